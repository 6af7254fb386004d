using Myelin.Models.Formats;
using Myelin.Models.Tokenization;

namespace Myelin.Inference.Models;

/// <summary>Supplies a <see cref="TokenizerVocabulary"/>'s <c>tokenizer.*</c> keys to the model maker.</summary>
/// <param name="vocabulary">The vocabulary to embed; its size must equal the model's vocabulary size.</param>
public sealed class VocabularyMetadataSource(TokenizerVocabulary vocabulary) : ITokenizerMetadataSource
{
    /// <inheritdoc />
    /// <exception cref="ArgumentException">The vocabulary's size differs from the model's.</exception>
    public IEnumerable<KeyValuePair<string, GgufValue>> GetMetadata(ModelShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (vocabulary.Count != shape.VocabSize)
        {
            throw new ArgumentException($"The tokenizer has {vocabulary.Count} tokens but the model's vocabulary is {shape.VocabSize}.", nameof(shape));
        }

        return vocabulary.ToMetadata();
    }
}
