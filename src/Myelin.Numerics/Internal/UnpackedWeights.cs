using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Myelin.Numerics.Internal;

/// <summary>
/// Weight rows already unpacked by <see cref="QuantMatMul"/> into the <c>vpdpbusd</c> operand (32 unsigned bytes per
/// block, scales kept apart), so every token group after the first reads them with one plain load.
/// </summary>
internal readonly unsafe struct UnpackedWeights : IWeightBlocks
{
    public static int Stride => 32;

    public static int QuantOffset => 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Unpack(byte* quants) => Vector256.Load(quants);
}
