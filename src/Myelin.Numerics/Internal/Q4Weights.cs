using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Myelin.Numerics.Internal;

/// <summary>
/// Q4_0 weight blocks: 18 bytes, 16 nibble bytes whose nibbles q mean q - 8 (prepared bias c = 8). Byte i of the
/// unpacked vector is the low nibble of byte i for i &lt; 16 and the high nibble of byte i - 16 above, the element
/// order of the activation quants.
/// </summary>
internal readonly unsafe struct Q4Weights : IWeightBlocks
{
    public static int Stride => QuantDot.Q4Stride;

    public static int QuantOffset => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Unpack(byte* quants)
    {
        Vector256<byte> low = Vector256.Create((byte)0x0F);
        if (Avx512BW.VL.IsSupported)
        {
            // vbroadcasti128 puts the 16 bytes in both halves; vpsrlvw shifts the upper half's words by 4.
            Vector256<ushort> both = Avx2.BroadcastVector128ToVector256(quants).AsUInt16();
            return Avx512BW.VL.ShiftRightLogicalVariable(both, Vector256.Create((ushort)0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4)).AsByte() & low;
        }

        Vector128<byte> packed = Vector128.Load(quants);
        return Vector256.Create(packed, Vector128.ShiftRightLogical(packed.AsUInt16(), 4).AsByte()) & low;
    }
}
