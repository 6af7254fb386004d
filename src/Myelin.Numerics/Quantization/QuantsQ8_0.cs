using System.Runtime.CompilerServices;

namespace Myelin.Numerics.Quantization;

/// <summary>The 32 signed 8-bit quants of a <see cref="BlockQ8_0"/>, indexable like a span.</summary>
[InlineArray(BlockQ8_0.BlockSize)]
public struct QuantsQ8_0
{
    private sbyte _element0;
}
