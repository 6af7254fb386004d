using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Myelin.Numerics.Internal;

/// <summary>Q8_0 weight blocks: 34 bytes, signed quants fed as w XOR 0x80 = w + 128 (prepared bias c = 128).</summary>
internal readonly unsafe struct Q8Weights : IWeightBlocks
{
    public static int Stride => QuantDot.Q8Stride;

    public static int QuantOffset => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Unpack(byte* quants) => Vector256.Load(quants) ^ Vector256.Create((byte)0x80);
}
