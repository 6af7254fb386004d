namespace Myelin.Inference.Models;

/// <summary>The GGUF architectures (<c>general.architecture</c>) the engine runs.</summary>
public enum ModelArchitecture
{
    /// <summary><c>llama</c>: RoPE in ggml's normal (adjacent pairs) mode, no attention biases.</summary>
    Llama = 0,

    /// <summary><c>qwen2</c>: RoPE in NeoX (half-split) mode, biases on the Q, K and V projections.</summary>
    Qwen2 = 1,
}
