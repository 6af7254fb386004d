namespace Myelin.Models;

/// <summary>Hyper-parameters of a Llama-style decoder-only transformer, named after the GGUF <c>llama.*</c> keys.</summary>
/// <param name="VocabSize">Number of tokens.</param>
/// <param name="ContextLength">Longest sequence the model is meant for (<c>llama.context_length</c>).</param>
/// <param name="EmbeddingLength">Model width (<c>llama.embedding_length</c>).</param>
/// <param name="BlockCount">Number of transformer blocks (<c>llama.block_count</c>).</param>
/// <param name="FeedForwardLength">SwiGLU inner width (<c>llama.feed_forward_length</c>).</param>
/// <param name="HeadCount">Query heads (<c>llama.attention.head_count</c>).</param>
/// <param name="HeadCountKv">Key/value heads (<c>llama.attention.head_count_kv</c>).</param>
/// <param name="RopeFreqBase">RoPE θ (<c>llama.rope.freq_base</c>).</param>
/// <param name="RmsNormEpsilon">RMSNorm ε (<c>llama.attention.layer_norm_rms_epsilon</c>).</param>
/// <param name="TiedEmbeddings">Whether the output projection reuses the token embedding (no <c>output.weight</c>).</param>
public sealed record LlamaConfig(
    int VocabSize,
    int ContextLength,
    int EmbeddingLength,
    int BlockCount,
    int FeedForwardLength,
    int HeadCount,
    int HeadCountKv,
    float RopeFreqBase = 10000f,
    float RmsNormEpsilon = 1e-5f,
    bool TiedEmbeddings = false)
{
    /// <summary>Width of one attention head.</summary>
    public int HeadDim => EmbeddingLength / HeadCount;

    /// <summary>Checks that the sizes are positive and the head counts divide as required.</summary>
    /// <exception cref="ArgumentException">A size is invalid.</exception>
    public void Validate()
    {
        if (VocabSize <= 0 || ContextLength <= 0 || EmbeddingLength <= 0 || BlockCount < 0 || FeedForwardLength <= 0
            || HeadCount <= 0 || HeadCountKv <= 0 || EmbeddingLength % HeadCount != 0 || HeadCount % HeadCountKv != 0
            || HeadDim % 2 != 0)
        {
            throw new ArgumentException($"Invalid Llama configuration: {this}.");
        }
    }
}
