using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Myelin.Numerics.Internal;

/// <content>
/// The Q4_0 mat-vec on AVX-512BW and VBMI: four blocks per 512-bit operation, against an activation prepared as
/// nibble planes (without VBMI the 256-bit path runs).
/// </content>
/// <remarks>
/// <para><b>Nibble planes.</b> Byte i of a Q4_0 block holds element i in its low nibble and element i + 16 in its
/// high one. For a quad of four blocks, <see cref="PreparePlanes"/> lays the activation out as two 64-byte planes:
/// the low plane holds elements 0-15 of each block of the quad (16 bytes per block), the high plane elements 16-31.
/// The kernel gathers the four blocks' 16 nibble bytes into one vector with one two-source byte permutation
/// (<c>vpermi2b</c>, which also skips the interleaved scales), so <c>v &amp; 0x0F</c> lines up with the low plane and
/// <c>(v &gt;&gt; 4) &amp; 0x0F</c> with the high one: three operations unpack four blocks, where the former
/// block-pair layout took a <c>vpermb</c>, a variable shift and a mask per two blocks.</para>
/// <para><b>Why not vpdpbusd.</b> .NET exposes VNNI only at 128/256 bits (<c>AvxVnni</c>), so the 512-bit product is
/// <c>vpmaddubsw</c> (unsigned nibble × signed activation, adjacent pairs summed to int16) on each plane, the two
/// planes added as int16 (at most 4 · 15 · 128 = 7680, no saturation), then <c>vpmaddwd</c> with ones: lane m of a
/// block sums elements 4m..4m+3 and 16+4m..16+4m+3. The Q8_0 path stays at 256 bits: its offset quants (up to 255)
/// would saturate <c>vpmaddubsw</c>, and it is bound by memory bandwidth, not by instructions.</para>
/// <para><b>Bias.</b> Nibbles q mean q - 8, so one vpaddd adds the prepared bias lanes (-8 times the sum of the same
/// eight activation quants) before the int→float conversion: the block's integer dot is exact, as on the 256-bit
/// path; subtracting the offset in float instead would cancel two large terms and lose up to ~1e-3 of a result.</para>
/// <para><b>Loads.</b> Eight blocks of a row are 144 contiguous bytes, read with three 64-byte loads at bytes 0, 64
/// and 80, so nothing past the group is touched. Blocks 0-3 come from the loads at 0 and 64, blocks 4-7 from those
/// at 64 and 80.</para>
/// <para><b>Scales.</b> A third <c>vpermi2b</c> puts each of the eight fp16 scales into the upper half of an int32
/// lane; an arithmetic shift right by 3 and a mask then leave exactly the fp32 bit pattern of the half's sign,
/// exponent and mantissa, which times 2^112 is the half's value (normal and subnormal alike, as in
/// <see cref="DecodeHalves"/>). One multiply by the activation scales times 2^112 (formed once per group for all four
/// rows) gives the same correctly rounded product as decoding first: the activation scales are halves too, so
/// d_x · 2^112 stays below the largest float. A <c>vpermps</c> then spreads the eight scales over the four lanes of
/// their blocks.</para>
/// <para>Blocks past the last full group of eight go one at a time through the 256-bit block kernel, which reads a
/// block's two planes as one 32-byte activation vector.</para>
/// </remarks>
internal static unsafe partial class QuantMatVec
{
    /// <summary>The permutation and mask vectors of <see cref="RowsQ4x512"/>, built once (not once per slab).</summary>
    private static readonly Constants s_constants = Constants.Create();

    /// <summary>Whether the 512-bit Q4_0 path runs at <paramref name="level"/> on this machine.</summary>
    public static bool IsQ4x512Supported(SimdLevel level) =>
        level >= SimdLevel.Vector512 && Avx512BW.IsSupported && Avx512Vbmi.IsSupported && IsSupported(level);

    /// <summary>Bytes of activation quants <see cref="PreparePlanes"/> writes for <paramref name="blocks"/> blocks (whole quads).</summary>
    public static long PlaneQuantBytes(int blocks) => (long)((blocks + 3) / 4) * 128;

    /// <summary>Int32 bias lanes <see cref="PreparePlanes"/> writes for <paramref name="blocks"/> blocks (whole quads).</summary>
    public static long PlaneBiasLanes(int blocks) => (long)((blocks + 3) / 4) * 16;

    /// <summary>
    /// Fills the nibble-plane activation of <see cref="RowsQ4x512"/> (see the type remarks) from Q8_0 blocks
    /// <paramref name="x"/>: per quad q, 128 bytes of quants at <c>quants[128 q]</c> (low plane, then high plane),
    /// 16 bias lanes at <c>bias[16 q]</c> (four per block), and the fp32 scale of block b at <c>scales[b]</c>.
    /// </summary>
    /// <param name="x">[blocks] Q8_0 blocks (34 bytes each)</param>
    /// <param name="blocks">Number of blocks.</param>
    /// <param name="quants"><see cref="PlaneQuantBytes"/> bytes, 64-byte aligned.</param>
    /// <param name="bias"><see cref="PlaneBiasLanes"/> int32, 64-byte aligned.</param>
    /// <param name="scales">[blocks] floats.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PreparePlanes(byte* x, int blocks, sbyte* quants, int* bias, float* scales)
    {
        Vector256<byte> ones = Vector256.Create((byte)1);
        for (int b = 0; b < blocks; b++)
        {
            byte* block = x + ((long)b * QuantDot.Q8Stride);
            Vector256<sbyte> q = Vector256.Load((sbyte*)(block + 2));
            sbyte* slot = PlaneQuants(quants, b);
            q.GetLower().Store(slot);
            q.GetUpper().Store(slot + 64);
            Vector256<int> groupSums = AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, ones, q);
            ((groupSums.GetLower() + groupSums.GetUpper()) * Vector128.Create(-8)).Store(PlaneBias(bias, b));
            scales[b] = DecodeHalf(*(ushort*)block);
        }
    }

    /// <summary>Same result as <see cref="RowsQ4"/>, four blocks per 512-bit operation (see the type remarks).</summary>
    /// <param name="w">[rows, blocks] Q4_0 blocks.</param>
    /// <param name="blocks">Blocks per row.</param>
    /// <param name="quants">Nibble-plane activation quants, see <see cref="PreparePlanes"/>.</param>
    /// <param name="bias">Nibble-plane bias lanes.</param>
    /// <param name="scales">Activation scales.</param>
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
                sbyte* x = quants + ((long)g * 32);
                int* bg = bias + ((long)g * 4);
                var group = new Group(
                    Vector512.LoadAligned(x), Vector512.LoadAligned(x + 64), Vector512.LoadAligned(x + 128), Vector512.LoadAligned(x + 192),
                    Vector512.LoadAligned(bg), Vector512.LoadAligned(bg + 16), Vector256.Load(scales + g) * c.HalfBias);
                Prefetch(w0 + o + ahead, w1 + o + ahead, w2 + o + ahead, w3 + o + ahead);
                Prefetch(w0 + o + ahead + 64, w1 + o + ahead + 64, w2 + o + ahead + 64, w3 + o + ahead + 64);
                Prefetch(w0 + o + ahead + 128, w1 + o + ahead + 128, w2 + o + ahead + 128, w3 + o + ahead + 128);
                acc0 = EightBlocks(acc0, w0 + o, group, c);
                acc1 = EightBlocks(acc1, w1 + o, group, c);
                acc2 = EightBlocks(acc2, w2 + o, group, c);
                acc3 = EightBlocks(acc3, w3 + o, group, c);
            }

            for (; g < blocks; g++)
            {
                long wo = (long)g * Stride;
                sbyte* slot = PlaneQuants(quants, g);
                Vector256<sbyte> xv = Vector256.Create(Vector128.Load(slot), Vector128.Load(slot + 64));
                Vector256<int> bv = Vector256.Create(Vector128.Load(PlaneBias(bias, g)), Vector128<int>.Zero);
                float dx = scales[g];
                tail0 = BlockQ4(tail0, w0 + wo + 2, low256, bv, xv, DecodeHalf(*(ushort*)(w0 + wo)) * dx);
                tail1 = BlockQ4(tail1, w1 + wo + 2, low256, bv, xv, DecodeHalf(*(ushort*)(w1 + wo)) * dx);
                tail2 = BlockQ4(tail2, w2 + wo + 2, low256, bv, xv, DecodeHalf(*(ushort*)(w2 + wo)) * dx);
                tail3 = BlockQ4(tail3, w3 + wo + 2, low256, bv, xv, DecodeHalf(*(ushort*)(w3 + wo)) * dx);
            }

            Store4(y, r, end, step, Fold(acc0, tail0), Fold(acc1, tail1), Fold(acc2, tail2), Fold(acc3, tail3));
        }
    }

    /// <summary>Where block <paramref name="b"/>'s low-plane quants start (its high-plane ones are 64 bytes on).</summary>
    private static sbyte* PlaneQuants(sbyte* quants, int b) => quants + ((long)(b >> 2) * 128) + ((b & 3) * 16);

    /// <summary>Where block <paramref name="b"/>'s four bias lanes start.</summary>
    private static int* PlaneBias(int* bias, int b) => bias + ((long)(b >> 2) * 16) + ((b & 3) * 4);

    /// <summary>The 512-bit accumulator plus the 256-bit tail one, as eight lanes whose sum is the row's result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fold(Vector512<float> acc, Vector256<float> tail) => acc.GetLower() + acc.GetUpper() + tail;

    /// <summary>acc + the products of eight blocks of one row (144 bytes at <paramref name="w"/>) with the group's activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> EightBlocks(Vector512<float> acc, byte* w, in Group x, in Constants c)
    {
        Vector512<byte> a = Vector512.Load(w);
        Vector512<byte> b = Vector512.Load(w + 64);
        Vector512<byte> d = Vector512.Load(w + 80);
        Vector256<int> halves = Avx512Vbmi.PermuteVar64x8x2(a, c.ScaleBytes, b).AsInt32().GetLower();
        Vector512<float> s = (Avx2.ShiftRightArithmetic(halves, 3) & c.HalfBits).AsSingle().ToVector512Unsafe();
        s = (s.GetLower() * x.Scales).ToVector512Unsafe();
        acc = Quad(acc, Avx512Vbmi.PermuteVar64x8x2(a, c.Quad0, b), x.Low0, x.High0, x.Bias0, Avx512F.PermuteVar16x32(s, c.Lanes0), c);
        return Quad(acc, Avx512Vbmi.PermuteVar64x8x2(b, c.Quad1, d), x.Low1, x.High1, x.Bias1, Avx512F.PermuteVar16x32(s, c.Lanes1), c);
    }

    /// <summary>acc + float(Σ (q - 8) x) * scale for the four blocks whose nibble bytes <paramref name="packed"/> holds (16 each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Quad(
        Vector512<float> acc, Vector512<byte> packed, Vector512<sbyte> low, Vector512<sbyte> high, Vector512<int> bias, Vector512<float> scale, in Constants c)
    {
        Vector512<byte> lo = packed & c.Low;
        Vector512<byte> hi = Avx512BW.ShiftRightLogical(packed.AsUInt16(), 4).AsByte() & c.Low;
        Vector512<short> pairs = Avx512BW.MultiplyAddAdjacent(lo, low) + Avx512BW.MultiplyAddAdjacent(hi, high);
        Vector512<int> sums = Avx512BW.MultiplyAddAdjacent(pairs, c.Ones) + bias;
        return Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(sums), scale, acc);
    }

    /// <summary>The nibble-plane activation of a group of eight blocks (two quads), its bias lanes and its scales times 2^112.</summary>
    private readonly record struct Group(
        Vector512<sbyte> Low0, Vector512<sbyte> High0, Vector512<sbyte> Low1, Vector512<sbyte> High1,
        Vector512<int> Bias0, Vector512<int> Bias1, Vector256<float> Scales);

    /// <summary>The byte and lane permutations of <see cref="EightBlocks"/> (one shared instance, <see cref="s_constants"/>).</summary>
    private readonly record struct Constants(
        Vector512<byte> Quad0, Vector512<byte> Quad1, Vector512<byte> ScaleBytes, Vector512<int> Lanes0, Vector512<int> Lanes1,
        Vector256<int> HalfBits, Vector256<float> HalfBias, Vector512<byte> Low, Vector512<short> Ones)
    {
        public static Constants Create()
        {
            // Block k of the group starts at byte 18k: scale at 18k, 18k+1, nibbles at 18k+2..18k+17. A two-source
            // index below 64 selects from the first load, from 64 up from the second (minus 64).
            Span<byte> quad0 = stackalloc byte[64];
            Span<byte> quad1 = stackalloc byte[64];
            Span<byte> scales = stackalloc byte[64];
            for (int k = 0; k < 4; k++)
            {
                for (int i = 0; i < 16; i++)
                {
                    // Blocks 0-3 from the loads at 0 and 64: byte p of the group is index p.
                    quad0[(16 * k) + i] = (byte)((18 * k) + 2 + i);

                    // Blocks 4-7 from the loads at 64 (bytes 64-127: index p - 64) and 80 (bytes 128-143: index 64 + p - 80).
                    int p = (18 * (k + 4)) + 2 + i;
                    quad1[(16 * k) + i] = (byte)(p < 128 ? p - 64 : 64 + p - 80);
                }
            }

            // Lane j's upper two bytes take scale j (bytes 18j, 18j+1, all within the loads at 0 and 64: index p).
            for (int j = 0; j < 8; j++)
            {
                scales[4 * j] = scales[(4 * j) + 1] = scales[(4 * j) + 2] = (byte)(18 * j);
                scales[(4 * j) + 3] = (byte)((18 * j) + 1);
            }

            return new Constants(
                Vector512.Create<byte>(quad0), Vector512.Create<byte>(quad1), Vector512.Create<byte>(scales),
                Vector512.Create(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3),
                Vector512.Create(4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7),
                Vector256.Create(unchecked((int)0x8FFFE000)),
                Vector256.Create(5.192296858534828e33f),
                Vector512.Create((byte)0x0F),
                Vector512.Create((short)1));
        }
    }
}
