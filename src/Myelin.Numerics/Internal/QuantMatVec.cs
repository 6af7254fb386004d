using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Myelin.Numerics.Internal;

/// <summary>
/// Quantised mat-vec (Q8_0 or Q4_0 weights times a Q8_0 activation) on AVX-VNNI: four weight rows per pass
/// share every activation load, and each block costs one <c>vpdpbusd</c>, one int→float conversion and one FMA
/// per row.
/// </summary>
/// <remarks>
/// <para><b>Prepared activation.</b> Once per call, <see cref="Prepare"/> copies the activation into a flat
/// layout: the 32 quants of block b at <c>quants[32 b]</c> (32-byte aligned, so one aligned Vector256 load per
/// block), the decoded fp32 scale d_x(b) at <c>scales[b]</c>, and a bias vector of eight int32 at
/// <c>bias[8 b]</c>, lane g = -c * (x[4g] + x[4g+1] + x[4g+2] + x[4g+3]) with c = 128 (Q8_0) or 8 (Q4_0).</para>
/// <para><b>Why a bias.</b> <c>vpdpbusd(acc, u, s)</c> multiplies unsigned by signed bytes and adds each group of
/// four products to one int32 lane of acc. Q8_0 weights are signed, so the kernel feeds u = w XOR 0x80 = w + 128
/// (as unsigned) and starts the accumulator at the bias: bias + Σ (w + 128) x = Σ w x. Q4_0 nibbles q are already
/// unsigned and mean q - 8, so u = q and bias = -8 Σ x. Both sums are exact in int32 (|lane| ≤ 4 * 255 * 128).
/// Lane g of the result is the dot product of quants 4g..4g+3 of the block.</para>
/// <para><b>Scales.</b> Per group of eight blocks and row, the eight fp16 weight scales (stride 34 or 18 bytes)
/// are read into one vector, a branch-free bit decode (exact for every finite half, the same as the scalar
/// decode) turns them into fp32, and they are multiplied by d_x once and parked in a 32-float stack tile
/// (row-major [4 rows, 8 blocks]); each block's FMA then broadcasts its combined scale from there (an embedded
/// <c>{1to8}</c> broadcast operand). Blocks past the last full group of eight decode their scales one by one.</para>
/// <para><b>Four sequential streams.</b> A range of at least <see cref="StreamRows"/> rows is cut into quarters and
/// pass i takes row i of each quarter, so each of the four rows of a pass reads its own run of consecutive rows,
/// one sequential stream. Four adjacent rows per pass (rows 4i..4i+3) read the same bytes, but as four streams
/// hopping one row length apart inside the same pages; with two threads on the 2-core Zen 5 VM a decode step's
/// mat-vecs streamed at 0.78-0.89 of a prefetched read that way and at 1.0 as quarters (the Q8_0 weights of a
/// 1.1B model, 2 threads). Shorter ranges, and the last rows of a quartered one, go four adjacent rows per pass.</para>
/// <para><b>Prefetch.</b> Each row of a pass prefetches the same offsets four rows further along its stream
/// (17 KB for 4096 columns of Q8_0); on one Zen 5 core this took the Q8_0 mat-vec from 17 to 39 GB/s, the hardware
/// prefetcher alone does not keep four interleaved streams busy.</para>
/// <para><b>Q4_0 unpack.</b> With AVX-512BW/VL the 16 nibble bytes are broadcast to both 128-bit halves and the
/// upper half's words shifted right by 4 (<c>vpsrlvw</c>), then masked with 0x0F; otherwise a 128-bit shift and
/// an insert do the same.</para>
/// <para><b>Remainders.</b> A pass always computes four rows; when fewer are left, the missing rows repeat the
/// last real row and their results are dropped. Accumulation is float per lane (eight lanes per row), summed
/// once at the end of the row: only the float summation order differs from the scalar reference.</para>
/// </remarks>
internal static unsafe partial class QuantMatVec
{
    /// <summary>Bytes of prepared activation per block: 32 quants, 8 int32 bias lanes, one float scale.</summary>
    public const int PreparedBytesPerBlock = 32 + 32 + 4;

    /// <summary>Fewest rows a call cuts into four sequential streams (see the type remarks).</summary>
    private const int StreamRows = 64;

    /// <summary>The <c>vpermi2b</c> index of <see cref="ScaleBitsQ8"/>: lane j's bytes 2 and 3 take the scale of block j.</summary>
    private static readonly Vector512<byte> s_q8ScaleIndex = Q8ScaleIndex();

    /// <summary>Whether this path runs at <paramref name="level"/> on this machine.</summary>
    public static bool IsSupported(SimdLevel level) => level >= SimdLevel.Vector256 && AvxVnni.IsSupported;

    /// <summary>Fills the prepared activation (see the type remarks) from Q8_0 blocks <paramref name="x"/>.</summary>
    /// <param name="x">[blocks] Q8_0 blocks (34 bytes each)</param>
    /// <param name="blocks">Number of blocks.</param>
    /// <param name="q4">Bias for Q4_0 weights (c = 8) instead of Q8_0 (c = 128).</param>
    /// <param name="quants">[blocks * 32] bytes, 32-byte aligned.</param>
    /// <param name="bias">[blocks * 8] int32, 32-byte aligned.</param>
    /// <param name="scales">[blocks] floats.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Prepare(byte* x, int blocks, bool q4, sbyte* quants, int* bias, float* scales)
    {
        Vector256<int> factor = Vector256.Create(q4 ? -8 : -128);
        Vector256<byte> ones = Vector256.Create((byte)1);
        for (int b = 0; b < blocks; b++)
        {
            byte* block = x + ((long)b * QuantDot.Q8Stride);
            Vector256<sbyte> q = Vector256.Load((sbyte*)(block + 2));
            q.StoreAligned(quants + ((long)b * 32));
            Vector256<int> groupSums = AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, ones, q);
            (groupSums * factor).StoreAligned(bias + ((long)b * 8));
            scales[b] = DecodeHalf(*(ushort*)block);
        }
    }

    /// <summary>y[r] = Σ_b d_w(r, b) d_x(b) Σ_j w[r, b, j] x[b, j] for rows [start, end) of Q8_0 weights.</summary>
    /// <param name="w">[rows, blocks] Q8_0 blocks.</param>
    /// <param name="blocks">Blocks per row.</param>
    /// <param name="quants">Prepared activation quants, see <see cref="Prepare"/>.</param>
    /// <param name="bias">Prepared bias lanes (c = 128).</param>
    /// <param name="scales">Prepared activation scales.</param>
    /// <param name="y">[rows] output.</param>
    /// <param name="start">First row.</param>
    /// <param name="end">One past the last row.</param>
    /// <param name="vbmi">Gather each group's scales with AVX-512 VBMI (see <see cref="ScalesQ8"/>).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowsQ8(byte* w, int blocks, sbyte* quants, int* bias, float* scales, float* y, int start, int end, bool vbmi)
    {
        long rowBytes = (long)blocks * QuantDot.Q8Stride;
        long ahead = 4 * rowBytes;
        float* tile = stackalloc float[32];
        Vector256<byte> flip = Vector256.Create((byte)0x80);

        // Read into a local before the loop: a static read inside it may call the class-init helper, and the JIT then
        // keeps the accumulators on the stack across that call.
        Vector512<byte> scaleIndex = vbmi ? s_q8ScaleIndex : default;
        int gap = StreamGap(start, end);
        for (int r = start; r < end; r = NextPass(r, start, gap))
        {
            int step = PassRows(w, rowBytes, r, start, gap, end, out byte* w0, out byte* w1, out byte* w2, out byte* w3);
            Vector256<float> acc0 = Vector256<float>.Zero;
            Vector256<float> acc1 = Vector256<float>.Zero;
            Vector256<float> acc2 = Vector256<float>.Zero;
            Vector256<float> acc3 = Vector256<float>.Zero;
            int g = 0;
            for (; g + 8 <= blocks; g += 8)
            {
                long o = (long)g * QuantDot.Q8Stride;
                Vector256<float> dx = Vector256.Load(scales + g);
                (ScalesQ8(w0 + o, vbmi, scaleIndex) * dx).Store(tile);
                (ScalesQ8(w1 + o, vbmi, scaleIndex) * dx).Store(tile + 8);
                (ScalesQ8(w2 + o, vbmi, scaleIndex) * dx).Store(tile + 16);
                (ScalesQ8(w3 + o, vbmi, scaleIndex) * dx).Store(tile + 24);
                for (int j = 0; j < 8; j++)
                {
                    int b = g + j;
                    long wo = ((long)b * QuantDot.Q8Stride) + 2;
                    Vector256<sbyte> xv = Vector256.LoadAligned(quants + ((long)b * 32));
                    Vector256<int> bv = Vector256.LoadAligned(bias + ((long)b * 8));
                    Prefetch(w0 + wo + ahead, w1 + wo + ahead, w2 + wo + ahead, w3 + wo + ahead);
                    acc0 = BlockQ8(acc0, w0 + wo, flip, bv, xv, tile[j]);
                    acc1 = BlockQ8(acc1, w1 + wo, flip, bv, xv, tile[8 + j]);
                    acc2 = BlockQ8(acc2, w2 + wo, flip, bv, xv, tile[16 + j]);
                    acc3 = BlockQ8(acc3, w3 + wo, flip, bv, xv, tile[24 + j]);
                }
            }

            for (; g < blocks; g++)
            {
                long wo = (long)g * QuantDot.Q8Stride;
                Vector256<sbyte> xv = Vector256.LoadAligned(quants + ((long)g * 32));
                Vector256<int> bv = Vector256.LoadAligned(bias + ((long)g * 8));
                float dx = scales[g];
                acc0 = BlockQ8(acc0, w0 + wo + 2, flip, bv, xv, DecodeHalf(*(ushort*)(w0 + wo)) * dx);
                acc1 = BlockQ8(acc1, w1 + wo + 2, flip, bv, xv, DecodeHalf(*(ushort*)(w1 + wo)) * dx);
                acc2 = BlockQ8(acc2, w2 + wo + 2, flip, bv, xv, DecodeHalf(*(ushort*)(w2 + wo)) * dx);
                acc3 = BlockQ8(acc3, w3 + wo + 2, flip, bv, xv, DecodeHalf(*(ushort*)(w3 + wo)) * dx);
            }

            Store4(y, r, end, step, acc0, acc1, acc2, acc3);
        }
    }

    /// <summary>Same as <see cref="RowsQ8"/> for Q4_0 weights (18-byte blocks, nibbles at offset 2).</summary>
    /// <param name="w">[rows, blocks] Q4_0 blocks.</param>
    /// <param name="blocks">Blocks per row.</param>
    /// <param name="quants">Prepared activation quants, see <see cref="Prepare"/>.</param>
    /// <param name="bias">Prepared bias lanes (c = 8).</param>
    /// <param name="scales">Prepared activation scales.</param>
    /// <param name="y">[rows] output.</param>
    /// <param name="start">First row.</param>
    /// <param name="end">One past the last row.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowsQ4(byte* w, int blocks, sbyte* quants, int* bias, float* scales, float* y, int start, int end)
    {
        long rowBytes = (long)blocks * QuantDot.Q4Stride;
        long ahead = 4 * rowBytes;
        float* tile = stackalloc float[32];
        const int Stride = QuantDot.Q4Stride;
        Vector256<byte> low = Vector256.Create((byte)0x0F);
        int gap = StreamGap(start, end);
        for (int r = start; r < end; r = NextPass(r, start, gap))
        {
            int step = PassRows(w, rowBytes, r, start, gap, end, out byte* w0, out byte* w1, out byte* w2, out byte* w3);
            Vector256<float> acc0 = Vector256<float>.Zero;
            Vector256<float> acc1 = Vector256<float>.Zero;
            Vector256<float> acc2 = Vector256<float>.Zero;
            Vector256<float> acc3 = Vector256<float>.Zero;
            int g = 0;
            for (; g + 8 <= blocks; g += 8)
            {
                long o = (long)g * QuantDot.Q4Stride;
                Vector256<float> dx = Vector256.Load(scales + g);
                (LoadScales(w0 + o, Stride) * dx).Store(tile);
                (LoadScales(w1 + o, Stride) * dx).Store(tile + 8);
                (LoadScales(w2 + o, Stride) * dx).Store(tile + 16);
                (LoadScales(w3 + o, Stride) * dx).Store(tile + 24);
                for (int j = 0; j < 8; j++)
                {
                    int b = g + j;
                    long wo = ((long)b * QuantDot.Q4Stride) + 2;
                    Vector256<sbyte> xv = Vector256.LoadAligned(quants + ((long)b * 32));
                    Vector256<int> bv = Vector256.LoadAligned(bias + ((long)b * 8));
                    Prefetch(w0 + wo + ahead, w1 + wo + ahead, w2 + wo + ahead, w3 + wo + ahead);
                    acc0 = BlockQ4(acc0, w0 + wo, low, bv, xv, tile[j]);
                    acc1 = BlockQ4(acc1, w1 + wo, low, bv, xv, tile[8 + j]);
                    acc2 = BlockQ4(acc2, w2 + wo, low, bv, xv, tile[16 + j]);
                    acc3 = BlockQ4(acc3, w3 + wo, low, bv, xv, tile[24 + j]);
                }
            }

            for (; g < blocks; g++)
            {
                long wo = (long)g * QuantDot.Q4Stride;
                Vector256<sbyte> xv = Vector256.LoadAligned(quants + ((long)g * 32));
                Vector256<int> bv = Vector256.LoadAligned(bias + ((long)g * 8));
                float dx = scales[g];
                acc0 = BlockQ4(acc0, w0 + wo + 2, low, bv, xv, DecodeHalf(*(ushort*)(w0 + wo)) * dx);
                acc1 = BlockQ4(acc1, w1 + wo + 2, low, bv, xv, DecodeHalf(*(ushort*)(w1 + wo)) * dx);
                acc2 = BlockQ4(acc2, w2 + wo + 2, low, bv, xv, DecodeHalf(*(ushort*)(w2 + wo)) * dx);
                acc3 = BlockQ4(acc3, w3 + wo + 2, low, bv, xv, DecodeHalf(*(ushort*)(w3 + wo)) * dx);
            }

            Store4(y, r, end, step, acc0, acc1, acc2, acc3);
        }
    }

    /// <summary>acc + float(Σ_group w x) * scale for one Q8_0 block whose 32 quants start at <paramref name="wq"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> BlockQ8(Vector256<float> acc, byte* wq, Vector256<byte> flip, Vector256<int> bias, Vector256<sbyte> x, float scale)
    {
        Vector256<byte> u = Vector256.Load(wq) ^ flip;
        Vector256<int> dot = AvxVnni.MultiplyWideningAndAdd(bias, u, x);
        return Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(dot), Vector256.Create(scale), acc);
    }

    /// <summary>
    /// acc + float(Σ_group (q - 8) x) * scale for one Q4_0 block whose 16 nibble bytes start at <paramref name="wq"/>:
    /// byte i of the unpacked vector is the low nibble of byte i (element i) for i &lt; 16 and the high nibble of
    /// byte i - 16 (element i) above, the element order of the activation quants.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> BlockQ4(Vector256<float> acc, byte* wq, Vector256<byte> low, Vector256<int> bias, Vector256<sbyte> x, float scale)
    {
        Vector256<byte> q;
        if (Avx512BW.VL.IsSupported)
        {
            // vbroadcasti128 puts the 16 bytes in both halves; vpsrlvw shifts the upper half's words by 4.
            Vector256<ushort> both = Avx2.BroadcastVector128ToVector256(wq).AsUInt16();
            q = Avx512BW.VL.ShiftRightLogicalVariable(both, Vector256.Create((ushort)0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4)).AsByte() & low;
        }
        else
        {
            Vector128<byte> packed = Vector128.Load(wq);
            q = Vector256.Create(packed, Vector128.ShiftRightLogical(packed.AsUInt16(), 4).AsByte()) & low;
        }

        Vector256<int> dot = AvxVnni.MultiplyWideningAndAdd(bias, q, x);
        return Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(dot), Vector256.Create(scale), acc);
    }

    /// <summary>
    /// The eight fp16 scales of the group of eight Q8_0 blocks at <paramref name="group"/>, decoded to fp32: with
    /// <paramref name="vbmi"/> from four 64-byte loads of the group's 272 bytes by two <c>vpermi2b</c> (see
    /// <see cref="ScaleBitsQ8"/>), otherwise by eight scalar loads (<see cref="LoadScales"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ScalesQ8(byte* group, bool vbmi, Vector512<byte> index) =>
        vbmi && Avx512Vbmi.IsSupported
            ? (Avx2.ShiftRightArithmetic(ScaleBitsQ8(group, index), 3) & Vector256.Create(unchecked((int)0x8FFFE000))).AsSingle() * Vector256.Create(5.192296858534828e33f)
            : LoadScales(group, QuantDot.Q8Stride);

    /// <summary>
    /// Lane j holds scale j of the group in its upper 16 bits (bytes 34j, 34j+1): blocks 0-3 from the loads at 0 and
    /// 64, blocks 4-7 from those at 128 and 192, blended. A shift right by 3 and a mask then leave the fp32 bits of
    /// the half's sign, exponent and mantissa (see <see cref="RowsQ4x512"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> ScaleBitsQ8(byte* group, Vector512<byte> index)
    {
        Vector256<int> first = Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(group), index, Vector512.Load(group + 64)).AsInt32().GetLower();
        Vector256<int> second = Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(group + 128), index, Vector512.Load(group + 192)).AsInt32().GetLower();
        return Avx2.Blend(first, second, 0xF0);
    }

    /// <summary>The eight fp16 block scales at <paramref name="first"/> + i * <paramref name="stride"/>, decoded to fp32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LoadScales(byte* first, int stride)
    {
        // Eight scalar loads rather than vpgatherdd: on the Zen 5 dev box the gather made the whole Q4_0 mat-vec
        // three times slower (0.13x vs 0.42x of copy bandwidth on one core).
        Vector256<int> h = Vector256.Create(
            *(ushort*)first, *(ushort*)(first + stride), *(ushort*)(first + (2 * stride)), *(ushort*)(first + (3 * stride)),
            *(ushort*)(first + (4 * stride)), *(ushort*)(first + (5 * stride)), *(ushort*)(first + (6 * stride)), *(ushort*)(first + (7 * stride)));
        return DecodeHalves(h);
    }

    private static Vector512<byte> Q8ScaleIndex()
    {
        // Block j's scale sits at bytes 34j and 34j+1 of the group: blocks 0-3 in the loads at 0 and 64 (index = byte),
        // blocks 4-7 in those at 128 and 192 (index = byte - 128). Bytes 0 and 1 of a lane are don't-cares.
        Span<byte> index = stackalloc byte[64];
        for (int j = 0; j < 8; j++)
        {
            int p = (34 * j) - (j < 4 ? 0 : 128);
            index[4 * j] = index[(4 * j) + 1] = index[(4 * j) + 2] = (byte)p;
            index[(4 * j) + 3] = (byte)(p + 1);
        }

        return Vector512.Create<byte>(index);
    }

    /// <summary>Eight fp16 bit patterns (zero-extended in int32 lanes) decoded to fp32, exact for every finite half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> DecodeHalves(Vector256<int> h)
    {
        Vector256<float> magnitude = ((h & Vector256.Create(0x7FFF)) << 13).AsSingle() * Vector256.Create(5.192296858534828e33f);
        return (magnitude.AsInt32() | ((h & Vector256.Create(0x8000)) << 16)).AsSingle();
    }

    /// <summary>Branch-free fp16 → fp32, exact for every finite half (the scalar twin of <see cref="LoadScales"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DecodeHalf(uint h)
    {
        float magnitude = BitConverter.UInt32BitsToSingle((h & 0x7FFF) << 13) * 5.192296858534828e33f;
        return BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(magnitude) | ((h & 0x8000) << 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(byte* p0, byte* p1, byte* p2, byte* p3)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(p0);
            Sse.Prefetch0(p1);
            Sse.Prefetch0(p2);
            Sse.Prefetch0(p3);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(float* y, int r, int end, int step, Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3)
    {
        y[r] = Vector256.Sum(a0);
        if (r + step < end)
        {
            y[r + step] = Vector256.Sum(a1);
        }

        if (r + (2 * step) < end)
        {
            y[r + (2 * step)] = Vector256.Sum(a2);
        }

        if (r + (3 * step) < end)
        {
            y[r + (3 * step)] = Vector256.Sum(a3);
        }
    }

    /// <summary>
    /// Rows between the four rows of a pass over rows [<paramref name="start"/>, <paramref name="end"/>): a quarter
    /// of the range when it has at least <see cref="StreamRows"/> rows, else 1 (four adjacent rows).
    /// </summary>
    private static int StreamGap(int start, int end) => end - start >= StreamRows ? (end - start) / 4 : 1;

    /// <summary>
    /// The four rows of the pass at <paramref name="r"/>: <paramref name="w0"/> is row r, the others follow
    /// <c>step</c> rows apart (a row past <paramref name="end"/> repeats row r; its result is dropped); returns step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PassRows(byte* w, long rowBytes, int r, int start, int gap, int end, out byte* w0, out byte* w1, out byte* w2, out byte* w3)
    {
        int step = r < start + gap ? gap : 1;
        w0 = w + (r * rowBytes);
        w1 = r + step < end ? w0 + (step * rowBytes) : w0;
        w2 = r + (2 * step) < end ? w0 + (2 * step * rowBytes) : w0;
        w3 = r + (3 * step) < end ? w0 + (3 * step * rowBytes) : w0;
        return step;
    }

    /// <summary>
    /// The first row of the pass after the one at <paramref name="r"/>: passes start + i (i &lt; gap) take rows
    /// start + i + k gap, k = 0..3; the rows past start + 4 gap (fewer than four) and every range shorter than
    /// <see cref="StreamRows"/> go four adjacent rows per pass.
    /// </summary>
    private static int NextPass(int r, int start, int gap) =>
        r + 1 < start + gap ? r + 1 : r < start + gap ? start + (4 * gap) : r + 4;
}
