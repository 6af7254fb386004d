using System.Runtime.CompilerServices;

namespace Myelin.Numerics.Quantization;

/// <summary>The 16 bytes of packed 4-bit quants of a <see cref="BlockQ4_0"/>.</summary>
[InlineArray(BlockQ4_0.BlockSize / 2)]
public struct QuantsQ4_0
{
    private byte _element0;
}
