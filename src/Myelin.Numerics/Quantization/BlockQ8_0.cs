using System.Runtime.InteropServices;

namespace Myelin.Numerics.Quantization;

/// <summary>
/// One GGUF/ggml Q8_0 block: 32 values stored as an fp16 scale <c>d = amax / 127</c> and 32 signed bytes
/// <c>q = round(x / d)</c>, so <c>x ≈ d * q</c>. 34 bytes, byte-compatible with ggml's <c>block_q8_0</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct BlockQ8_0
{
    /// <summary>The number of values in one block.</summary>
    public const int BlockSize = 32;

    /// <summary>The scale d.</summary>
    public Half Scale;

    /// <summary>The 32 quantised values.</summary>
    public QuantsQ8_0 Quants;
}
