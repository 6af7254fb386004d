using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Myelin.Numerics.Internal;

/// <content>
/// The Q4_0 mat-vec on AVX-512BW and VBMI: two blocks per 512-bit operation (without VBMI the 256-bit path runs).
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
/// <para><b>Unpack (AVX-512 VBMI).</b> Eight blocks of a row are 144 contiguous bytes, read with four overlapping
/// 64-byte loads (at bytes 0, 36, 64 and 80, so nothing past the group is touched). One byte permutation per block
/// pair (<c>vpermb</c> from the load that holds both blocks) builds
/// [b nibbles | b nibbles | b+1 nibbles | b+1 nibbles]; a variable word shift by 0 or 4 and a mask then give the
/// element order of the activation quants. The old unpack (two 16-byte broadcasts and an insert per pair, and eight
/// scalar scale loads per row and group) ran at 25 GB/s from cache on one Zen 5 core; this one at 32-33 GB/s (the same
/// when the pair straddling two loads takes a two-source <c>vpermi2b</c> instead of its own load).</para>
/// <para><b>Scales.</b> A <c>vpermi2b</c> over the loads at 0 and 64 gathers the group's eight fp16 scales,
/// which are widened, decoded and multiplied by d_x once per row and group; a <c>vpermps</c> spreads the two of a
/// block pair over the pair's 8 + 8 lanes.</para>
/// </remarks>
internal static unsafe partial class QuantMatVec
{
    /// <summary>The permutation and mask vectors of <see cref="RowsQ4x512"/>, built once (not once per slab).</summary>
    private static readonly Constants s_constants = Constants.Create();

    /// <summary>Whether the 512-bit Q4_0 path runs at <paramref name="level"/> on this machine.</summary>
    public static bool IsQ4x512Supported(SimdLevel level) =>
        level >= SimdLevel.Vector512 && Avx512BW.IsSupported && Avx512Vbmi.IsSupported && IsSupported(level);

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
        Vector256<byte> low256 = Vector256.Create((byte)0x0F);
        Constants c = s_constants;
        int gap = StreamGap(start, end);
        for (int r = start; r < end; r = NextPass(r, start, gap))
        {
            int step = PassRows(w, rowBytes, r, start, gap, end, out byte* w0, out byte* w1, out byte* w2, out byte* w3);
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
                sbyte* x = quants + ((long)g * 32);
                int* bg = bias + ((long)g * 8);
                var group = new Group(
                    Vector512.LoadAligned(x), Vector512.LoadAligned(x + 64), Vector512.LoadAligned(x + 128), Vector512.LoadAligned(x + 192),
                    Vector512.Load(bg), Vector512.Load(bg + 16), Vector512.Load(bg + 32), Vector512.Load(bg + 48));
                Prefetch(w0 + o + ahead, w1 + o + ahead, w2 + o + ahead, w3 + o + ahead);
                Prefetch(w0 + o + ahead + 64, w1 + o + ahead + 64, w2 + o + ahead + 64, w3 + o + ahead + 64);
                Prefetch(w0 + o + ahead + 128, w1 + o + ahead + 128, w2 + o + ahead + 128, w3 + o + ahead + 128);
                acc0 = EightBlocks(acc0, w0 + o, group, dx, c);
                acc1 = EightBlocks(acc1, w1 + o, group, dx, c);
                acc2 = EightBlocks(acc2, w2 + o, group, dx, c);
                acc3 = EightBlocks(acc3, w3 + o, group, dx, c);
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

    /// <summary>acc + the products of eight blocks of one row (144 bytes at <paramref name="w"/>) with the group's activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> EightBlocks(Vector512<float> acc, byte* w, in Group x, Vector256<float> dx, in Constants c)
    {
        // Loads at bytes 0, 36, 64 and 80 stay inside the group's 144 bytes: nothing past the group is read. Each pair
        // comes from one load (a one-source vpermb); only the scales need two.
        Vector512<byte> a = Vector512.Load(w);
        Vector512<byte> b = Vector512.Load(w + 64);
        Vector512<byte> d = Vector512.Load(w + 80);
        Vector128<ushort> halves = Avx512Vbmi.PermuteVar64x8x2(a, c.ScaleBytes, b).GetLower().GetLower().AsUInt16();
        Vector512<float> s = (DecodeHalves(Avx2.ConvertToVector256Int32(halves)) * dx).ToVector512Unsafe();
        acc = Pair(acc, Avx512Vbmi.PermuteVar64x8(a, c.Pair0), x.X0, x.B0, Avx512F.PermuteVar16x32(s, c.Lanes0), c);
        acc = Pair(acc, Avx512Vbmi.PermuteVar64x8(Vector512.Load(w + 36), c.Pair1), x.X1, x.B1, Avx512F.PermuteVar16x32(s, c.Lanes1), c);
        acc = Pair(acc, Avx512Vbmi.PermuteVar64x8(b, c.Pair2), x.X2, x.B2, Avx512F.PermuteVar16x32(s, c.Lanes2), c);
        return Pair(acc, Avx512Vbmi.PermuteVar64x8(d, c.Pair3), x.X3, x.B3, Avx512F.PermuteVar16x32(s, c.Lanes3), c);
    }

    /// <summary>acc + float(Σ_group (q - 8) x) * scale for a block pair whose nibble bytes <paramref name="packed"/> holds as [b | b | b+1 | b+1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pair(Vector512<float> acc, Vector512<byte> packed, Vector512<sbyte> x, Vector512<int> bias, Vector512<float> scale, in Constants c)
    {
        Vector512<byte> nibbles = Avx512BW.ShiftRightLogicalVariable(packed.AsUInt16(), c.Shifts).AsByte() & c.Low;
        Vector512<int> sums = Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(nibbles, x), c.Ones) + bias;
        return Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(sums), scale, acc);
    }

    /// <summary>The prepared activation quants and bias lanes of a group of eight blocks, one block pair per vector.</summary>
    private readonly record struct Group(
        Vector512<sbyte> X0, Vector512<sbyte> X1, Vector512<sbyte> X2, Vector512<sbyte> X3,
        Vector512<int> B0, Vector512<int> B1, Vector512<int> B2, Vector512<int> B3);

    /// <summary>The byte and lane permutations of <see cref="EightBlocks"/> (one shared instance, <see cref="s_constants"/>).</summary>
    private readonly record struct Constants(
        Vector512<byte> Pair0, Vector512<byte> Pair1, Vector512<byte> Pair2, Vector512<byte> Pair3, Vector512<byte> ScaleBytes,
        Vector512<int> Lanes0, Vector512<int> Lanes1, Vector512<int> Lanes2, Vector512<int> Lanes3,
        Vector512<ushort> Shifts, Vector512<byte> Low, Vector512<short> Ones)
    {
        public static Constants Create()
        {
            // Block k of the group starts at byte 18k: scale at 18k, 18k+1, nibbles at 18k+2..18k+17. A pair's vector
            // is [b nibbles | b nibbles | b+1 nibbles | b+1 nibbles]; the word shifts then take low nibbles from the
            // first copy and high nibbles from the second, the element order of the activation quants.
            // Pair 0 comes from the load at byte 0, pair 1 from the one at 36, pair 2 from 64 and pair 3 from 80; the
            // scales from the loads at 0 and 64 together. Indexes are relative to the load(s) they select from.
            return new Constants(
                PairIndex(2, 20), PairIndex(38 - 36, 56 - 36), PairIndex(74 - 64, 92 - 64), PairIndex(110 - 80, 128 - 80),
                Vector512.Create(0, 1, 18, 19, 36, 37, 54, 55, 72, 73, 90, 91, 108, 109, 126, (byte)127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                Vector512.Create(Vector256.Create(0), Vector256.Create(1)),
                Vector512.Create(Vector256.Create(2), Vector256.Create(3)),
                Vector512.Create(Vector256.Create(4), Vector256.Create(5)),
                Vector512.Create(Vector256.Create(6), Vector256.Create(7)),
                Vector512.Create(
                    Vector256.Create((ushort)0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4),
                    Vector256.Create((ushort)0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4)),
                Vector512.Create((byte)0x0F),
                Vector512.Create((short)1));
        }

        private static Vector512<byte> PairIndex(int first, int second)
        {
            Span<byte> index = stackalloc byte[64];
            for (int i = 0; i < 16; i++)
            {
                index[i] = index[16 + i] = (byte)(first + i);
                index[32 + i] = index[48 + i] = (byte)(second + i);
            }

            return Vector512.Create<byte>(index);
        }
    }
}
