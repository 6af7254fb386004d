namespace Myelin.Numerics;

/// <summary>How rotary position embedding pairs the dimensions of a head.</summary>
public enum RopeLayout
{
    /// <summary>Adjacent pairs (x[2i], x[2i+1]) rotate together: ggml's "normal" mode (original Llama/GPT-J).</summary>
    Interleaved = 0,

    /// <summary>Half-split pairs (x[i], x[i + d/2]) rotate together: ggml's "NeoX" mode (HF Llama, Qwen).</summary>
    NeoX = 1,
}
