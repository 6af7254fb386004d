namespace Myelin.Models.Formats;

/// <summary>Element types of safetensors tensors that Myelin reads and writes.</summary>
public enum SafetensorsDType
{
    /// <summary>32-bit IEEE float (<c>"F32"</c>).</summary>
    F32,

    /// <summary>16-bit IEEE half float (<c>"F16"</c>).</summary>
    F16,

    /// <summary>bfloat16 (<c>"BF16"</c>).</summary>
    BF16,
}
