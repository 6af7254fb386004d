using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Myelin.Numerics.Internal;

/// <content>
/// The Q4_0 mat-vec on AVX-512BW: two blocks per 512-bit operation.
/// </content>
/// <remarks>
/// <para><b>Why not vpdpbusd.</b> .NET exposes VNNI only at 128/256 bits (<c>AvxVnni</c>), so the 512-bit product is
/// <c>vpmaddubsw</c> (unsigned nibble × signed activation, adjacent pairs summed to int16) followed by
/// <c>vpmaddwd</c> with ones (pairs of int16 to int32): lane g of a block is again the sum of quants 4g..4g+3.
/// Pairs cannot saturate: |2 · 15 · 128| &lt; 2^15. The Q8_0 path stays at 256 bits: its offset quants (up to 255)
/// would saturate <c>vpmaddubsw</c>, and it is bound by memory bandwidth, not by instructions.</para>
/// <para><b>Bias.</b> vpmaddwd cannot start from the bias the way vpdpbusd does, so one vpaddd adds the two blocks'
/// prepared bias lanes (-8 Σ x per group of four, 16 int32 contiguous in the prepared layout) before the int→float
/// conversion. The block's integer dot is then exact, as on the 256-bit path; subtracting the offset in float
/// instead would cancel two large terms and lose up to ~1e-3 of a result.</para>
/// <para><b>Unpack.</b> Block b's 16 nibble bytes are broadcast to both halves of a 256-bit register, block b+1's
/// likewise, and the two joined (two loads and one insert; the loads read exactly the 16 quant bytes, so the last
/// row never reads past the matrix). A variable word shift by 0 or 4 and a mask give the element order of the
/// activation quants: [b: 0..15 | b: 16..31 | b+1: 0..15 | b+1: 16..31].</para>
/// <para><b>Scales.</b> The eight combined scales of a group are computed as in the 256-bit path; a
/// <c>vpermps</c> spreads the two of a block pair over the pair's 8 + 8 lanes.</para>
/// </remarks>
internal static unsafe partial class QuantMatVec
{
    /// <summary>Whether the 512-bit Q4_0 path runs at <paramref name="level"/> on this machine.</summary>
    public static bool IsQ4x512Supported(SimdLevel level) => level >= SimdLevel.Vector512 && Avx512BW.IsSupported && IsSupported(level);

    /// <summary>Same result as <see cref="RowsQ4"/>, two blocks per 512-bit operation (see the type remarks).</summary>
    /// <param name="w">[rows, blocks] Q4_0 blocks.</param>
    /// <param name="blocks">Blocks per row.</param>
    /// <param name="quants">Prepared activation quants (64-byte aligned).</param>
    /// <param name="bias">Prepared bias lanes (c = 8).</param>
    /// <param name="scales">Prepared activation scales.</param>
    /// <param name="y">[rows] output.</param>
    /// <param name="start">First row.</param>
    /// <param name="end">One past the last row.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowsQ4x512(byte* w, int blocks, sbyte* quants, int* bias, float* scales, float* y, int start, int end)
    {
        long rowBytes = (long)blocks * QuantDot.Q4Stride;
        long ahead = 4 * rowBytes;
        const int Stride = QuantDot.Q4Stride;
        Vector512<ushort> shifts = Vector512.Create(
            Vector256.Create((ushort)0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4),
            Vector256.Create((ushort)0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4));
        Vector512<byte> low = Vector512.Create((byte)0x0F);
        Vector512<short> ones = Vector512.Create((short)1);
        Vector256<byte> low256 = Vector256.Create((byte)0x0F);
        Vector512<int> pair0 = Vector512.Create(Vector256.Create(0), Vector256.Create(1));
        Vector512<int> pair1 = Vector512.Create(Vector256.Create(2), Vector256.Create(3));
        Vector512<int> pair2 = Vector512.Create(Vector256.Create(4), Vector256.Create(5));
        Vector512<int> pair3 = Vector512.Create(Vector256.Create(6), Vector256.Create(7));
        int gap = StreamGap(start, end);
        for (int r = start; r < end; r = NextPass(r, start, gap))
        {
            int step = r < start + gap ? gap : 1;
            byte* w0 = w + (r * rowBytes);
            byte* w1 = r + step < end ? w0 + (step * rowBytes) : w0;
            byte* w2 = r + (2 * step) < end ? w0 + (2 * step * rowBytes) : w0;
            byte* w3 = r + (3 * step) < end ? w0 + (3 * step * rowBytes) : w0;
            Vector512<float> acc0 = Vector512<float>.Zero;
            Vector512<float> acc1 = Vector512<float>.Zero;
            Vector512<float> acc2 = Vector512<float>.Zero;
            Vector512<float> acc3 = Vector512<float>.Zero;
            Vector256<float> tail0 = Vector256<float>.Zero;
            Vector256<float> tail1 = Vector256<float>.Zero;
            Vector256<float> tail2 = Vector256<float>.Zero;
            Vector256<float> tail3 = Vector256<float>.Zero;
            int g = 0;
            for (; g + 8 <= blocks; g += 8)
            {
                long o = (long)g * Stride;
                Vector256<float> dx = Vector256.Load(scales + g);
                Vector256<float> s0 = LoadScales(w0 + o, Stride) * dx;
                Vector256<float> s1 = LoadScales(w1 + o, Stride) * dx;
                Vector256<float> s2 = LoadScales(w2 + o, Stride) * dx;
                Vector256<float> s3 = LoadScales(w3 + o, Stride) * dx;
                Vector512<float> t0 = s0.ToVector512Unsafe();
                Vector512<float> t1 = s1.ToVector512Unsafe();
                Vector512<float> t2 = s2.ToVector512Unsafe();
                Vector512<float> t3 = s3.ToVector512Unsafe();
                byte* q0 = w0 + o + 2;
                byte* q1 = w1 + o + 2;
                byte* q2 = w2 + o + 2;
                byte* q3 = w3 + o + 2;
                sbyte* x = quants + ((long)g * 32);
                int* bg = bias + ((long)g * 8);
                Prefetch(q0 + ahead, q1 + ahead, q2 + ahead, q3 + ahead);
                Pair(ref acc0, ref acc1, ref acc2, ref acc3, q0, q1, q2, q3, x, bg, pair0, t0, t1, t2, t3, shifts, low, ones);
                Prefetch(q0 + ahead + 64, q1 + ahead + 64, q2 + ahead + 64, q3 + ahead + 64);
                Pair(ref acc0, ref acc1, ref acc2, ref acc3, q0 + (2 * Stride), q1 + (2 * Stride), q2 + (2 * Stride), q3 + (2 * Stride), x + 64, bg + 16, pair1, t0, t1, t2, t3, shifts, low, ones);
                Prefetch(q0 + ahead + 128, q1 + ahead + 128, q2 + ahead + 128, q3 + ahead + 128);
                Pair(ref acc0, ref acc1, ref acc2, ref acc3, q0 + (4 * Stride), q1 + (4 * Stride), q2 + (4 * Stride), q3 + (4 * Stride), x + 128, bg + 32, pair2, t0, t1, t2, t3, shifts, low, ones);
                Pair(ref acc0, ref acc1, ref acc2, ref acc3, q0 + (6 * Stride), q1 + (6 * Stride), q2 + (6 * Stride), q3 + (6 * Stride), x + 192, bg + 48, pair3, t0, t1, t2, t3, shifts, low, ones);
            }

            for (; g < blocks; g++)
            {
                long wo = (long)g * Stride;
                Vector256<sbyte> xv = Vector256.LoadAligned(quants + ((long)g * 32));
                Vector256<int> bv = Vector256.LoadAligned(bias + ((long)g * 8));
                float dx = scales[g];
                tail0 = BlockQ4(tail0, w0 + wo + 2, low256, bv, xv, DecodeHalf(*(ushort*)(w0 + wo)) * dx);
                tail1 = BlockQ4(tail1, w1 + wo + 2, low256, bv, xv, DecodeHalf(*(ushort*)(w1 + wo)) * dx);
                tail2 = BlockQ4(tail2, w2 + wo + 2, low256, bv, xv, DecodeHalf(*(ushort*)(w2 + wo)) * dx);
                tail3 = BlockQ4(tail3, w3 + wo + 2, low256, bv, xv, DecodeHalf(*(ushort*)(w3 + wo)) * dx);
            }

            Store4(y, r, end, step, Fold(acc0, tail0), Fold(acc1, tail1), Fold(acc2, tail2), Fold(acc3, tail3));
        }
    }

    /// <summary>The 512-bit accumulator plus the 256-bit tail one, as eight lanes whose sum is the row's result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fold(Vector512<float> acc, Vector256<float> tail) => acc.GetLower() + acc.GetUpper() + tail;

    /// <summary>One block pair (blocks b, b+1 at <paramref name="q0"/>..<paramref name="q3"/>) of four rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair(
        ref Vector512<float> acc0, ref Vector512<float> acc1, ref Vector512<float> acc2, ref Vector512<float> acc3,
        byte* q0, byte* q1, byte* q2, byte* q3, sbyte* x, int* bias, Vector512<int> pair,
        Vector512<float> t0, Vector512<float> t1, Vector512<float> t2, Vector512<float> t3,
        Vector512<ushort> shifts, Vector512<byte> low, Vector512<short> ones)
    {
        Vector512<sbyte> xv = Vector512.LoadAligned(x);
        Vector512<int> bv = Vector512.Load(bias);
        acc0 = Vector512.FusedMultiplyAdd(Dot(q0, xv, bv, shifts, low, ones), Avx512F.PermuteVar16x32(t0, pair), acc0);
        acc1 = Vector512.FusedMultiplyAdd(Dot(q1, xv, bv, shifts, low, ones), Avx512F.PermuteVar16x32(t1, pair), acc1);
        acc2 = Vector512.FusedMultiplyAdd(Dot(q2, xv, bv, shifts, low, ones), Avx512F.PermuteVar16x32(t2, pair), acc2);
        acc3 = Vector512.FusedMultiplyAdd(Dot(q3, xv, bv, shifts, low, ones), Avx512F.PermuteVar16x32(t3, pair), acc3);
    }

    /// <summary>float(Σ_group (q - 8) x) for blocks b and b+1 (nibbles at <paramref name="q"/> and q + 18).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Dot(byte* q, Vector512<sbyte> x, Vector512<int> bias, Vector512<ushort> shifts, Vector512<byte> low, Vector512<short> ones)
    {
        Vector256<byte> first = Avx2.BroadcastVector128ToVector256(q);
        Vector256<byte> second = Avx2.BroadcastVector128ToVector256(q + QuantDot.Q4Stride);
        Vector512<ushort> both = first.ToVector512Unsafe().WithUpper(second).AsUInt16();
        Vector512<byte> nibbles = Avx512BW.ShiftRightLogicalVariable(both, shifts).AsByte() & low;
        Vector512<int> sums = Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(nibbles, x), ones) + bias;
        return Vector512.ConvertToSingle(sums);
    }
}
