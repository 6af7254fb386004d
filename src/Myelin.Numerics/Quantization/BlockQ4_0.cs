using System.Runtime.InteropServices;

namespace Myelin.Numerics.Quantization;

/// <summary>
/// One GGUF/ggml Q4_0 block: 32 values stored as an fp16 scale <c>d = max / -8</c> (max being the value of
/// largest magnitude, with its sign) and 16 bytes of 4-bit quants <c>q = clamp(round(x / d) + 8, 0, 15)</c>,
/// so <c>x ≈ d * (q - 8)</c>. Byte <c>j</c> holds element <c>j</c> in its low nibble and element
/// <c>j + 16</c> in its high nibble. 18 bytes, byte-compatible with ggml's <c>block_q4_0</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct BlockQ4_0
{
    /// <summary>The number of values in one block.</summary>
    public const int BlockSize = 32;

    /// <summary>The scale d.</summary>
    public Half Scale;

    /// <summary>The 16 bytes of packed nibbles.</summary>
    public QuantsQ4_0 Quants;
}
