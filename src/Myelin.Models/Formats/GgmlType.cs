namespace Myelin.Models.Formats;

/// <summary>
/// The ggml tensor element types that Myelin reads and writes. Values are the ggml type ids stored in GGUF files.
/// </summary>
public enum GgmlType : uint
{
    /// <summary>32-bit IEEE float, one element per 4 bytes.</summary>
    F32 = 0,

    /// <summary>16-bit IEEE half float, one element per 2 bytes.</summary>
    F16 = 1,

    /// <summary>Blocks of 32 elements: an fp16 scale then 16 bytes of 4-bit quants (18 bytes per block).</summary>
    Q4_0 = 2,

    /// <summary>Blocks of 32 elements: an fp16 scale then 32 signed 8-bit quants (34 bytes per block).</summary>
    Q8_0 = 8,

    /// <summary>bfloat16 (the top half of an IEEE float), one element per 2 bytes.</summary>
    BF16 = 30,
}
