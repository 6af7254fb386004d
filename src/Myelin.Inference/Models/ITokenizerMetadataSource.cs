using Myelin.Models.Formats;

namespace Myelin.Inference.Models;

/// <summary>
/// Supplies the <c>tokenizer.ggml.*</c> (and <c>tokenizer.chat_template</c>) metadata that
/// <see cref="ModelSynthesizer"/> writes into a synthesized model, so that a real vocabulary can travel with
/// random weights.
/// </summary>
/// <remarks>Implementations must be deterministic: the same shape must yield the same keys and values in the same order.</remarks>
public interface ITokenizerMetadataSource
{
    /// <summary>The metadata pairs to write; every key must start with <c>tokenizer.</c>.</summary>
    /// <param name="shape">The model being written; its <see cref="ModelShape.VocabSize"/> must match the vocabulary.</param>
    /// <returns>Key/value pairs in the order they should be written.</returns>
    IEnumerable<KeyValuePair<string, GgufValue>> GetMetadata(ModelShape shape);
}
