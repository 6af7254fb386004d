namespace Myelin.Inference.Models;

/// <summary>The llama.cpp (ggml) tensor names of Llama-family models.</summary>
public static class TensorNames
{
    /// <summary>Token embedding, ggml dimensions <c>[embedding, vocab]</c>.</summary>
    public const string TokenEmbedding = "token_embd.weight";

    /// <summary>Final RMSNorm weight <c>[embedding]</c>.</summary>
    public const string OutputNorm = "output_norm.weight";

    /// <summary>Output (unembedding) matrix <c>[embedding, vocab]</c>; absent when tied to the embedding.</summary>
    public const string Output = "output.weight";

    /// <summary>Per-block suffix: attention RMSNorm weight.</summary>
    public const string AttentionNorm = "attn_norm.weight";

    /// <summary>Per-block suffix: query projection.</summary>
    public const string Query = "attn_q.weight";

    /// <summary>Per-block suffix: key projection.</summary>
    public const string Key = "attn_k.weight";

    /// <summary>Per-block suffix: value projection.</summary>
    public const string Value = "attn_v.weight";

    /// <summary>Per-block suffix: query bias (Qwen2).</summary>
    public const string QueryBias = "attn_q.bias";

    /// <summary>Per-block suffix: key bias (Qwen2).</summary>
    public const string KeyBias = "attn_k.bias";

    /// <summary>Per-block suffix: value bias (Qwen2).</summary>
    public const string ValueBias = "attn_v.bias";

    /// <summary>Per-block suffix: attention output projection.</summary>
    public const string AttentionOutput = "attn_output.weight";

    /// <summary>Per-block suffix: feed-forward RMSNorm weight.</summary>
    public const string FeedForwardNorm = "ffn_norm.weight";

    /// <summary>Per-block suffix: SwiGLU gate projection.</summary>
    public const string Gate = "ffn_gate.weight";

    /// <summary>Per-block suffix: SwiGLU up projection.</summary>
    public const string Up = "ffn_up.weight";

    /// <summary>Per-block suffix: SwiGLU down projection.</summary>
    public const string Down = "ffn_down.weight";

    /// <summary>The full name of a per-block tensor, e.g. <c>blk.3.attn_q.weight</c>.</summary>
    /// <param name="block">Block index.</param>
    /// <param name="suffix">One of the per-block suffixes.</param>
    /// <returns>The tensor name.</returns>
    public static string Block(int block, string suffix) => $"blk.{block}.{suffix}";
}
