using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Myelin.Numerics.Internal;

/// <summary>
/// Quantised matrix-matrix product (Q8_0 or Q4_0 weights times many Q8_0 activation rows) on AVX-VNNI, register
/// tiled 4 weight rows x 4 tokens: each weight block load feeds four tokens and each activation block load feeds
/// four rows, so a block costs one <c>vpdpbusd</c>, one int→float conversion and one FMA per (row, token) pair and
/// about a quarter of the loads of a dot product per pair.
/// </summary>
/// <remarks>
/// <para><b>Prepared activations.</b> Once per product, <see cref="Prepare"/> lays every token's blocks out flat,
/// token-major, one 64-byte record per (token t, block b) at <c>records[64 (t B + b)]</c> (64-byte aligned, so one
/// cache line): its 32 quants, then eight int32 bias lanes; the decoded fp32 scale sits apart at
/// <c>scales[t B + b]</c>, B = blocks per row. One base pointer per token reaches both halves of the record.
/// The bias is the one <see cref="QuantMatVec"/> uses, lane g = -c (x[4g] + ... + x[4g+3]) with c = 128 for Q8_0
/// weights (fed as w XOR 0x80 = w + 128 unsigned) and c = 8 for Q4_0 nibbles (q - 8): starting
/// <c>vpdpbusd</c> from it gives the exact signed int32 dot of each group of four quants.</para>
/// <para><b>Scales.</b> A pass over four rows first decodes their fp16 weight scales into a stack array
/// (<c>[4, B]</c> floats, a branch-free decode exact for every finite half). Per group of eight blocks and
/// (row, token) pair, eight combined scales d_w d_x are one vector multiply, parked in a 128-float stack tile
/// (<c>[4 rows, 4 tokens, 8 blocks]</c>); each block's FMA broadcasts its scale from there. A last partial group
/// fills only its first blocks.</para>
/// <para><b>Loop order.</b> Rows are split into slabs of whole four-row passes across the threads. A pass first
/// unpacks its four weight rows into the <c>vpdpbusd</c> operand (Q8_0 XOR 0x80, Q4_0 nibbles; 4 x 8 KB at most,
/// on the stack, rows up to <see cref="MaxUnpackedBlocks"/>) while prefetching the next pass's rows; the rows then
/// stay in L1 while every group of four tokens streams its prepared activation from L2. Longer rows skip the
/// unpack and are read in place by every token group.</para>
/// <para><b>Remainders.</b> A pass always computes a full 4 x 4 tile: missing rows repeat the last real row and
/// missing tokens the last real token, and their results are dropped. Accumulation is float per lane (eight lanes
/// per pair), summed once at the end: only the float summation order differs from the scalar reference.</para>
/// </remarks>
internal static unsafe class QuantMatMul
{
    /// <summary>Bytes of prepared activation per (token, block): 32 quants, 8 int32 bias lanes, one float scale.</summary>
    public const int PreparedBytesPerBlock = 32 + 32 + 4;

    /// <summary>Longest row (in blocks) whose four decoded weight-scale rows fit the stack array.</summary>
    public const int MaxBlocks = 2048;

    /// <summary>Longest row (in blocks, 8,192 columns) that a pass unpacks into its 32 KB stack buffer first.</summary>
    public const int MaxUnpackedBlocks = 256;

    /// <summary>Whether this path runs at <paramref name="level"/> on this machine.</summary>
    public static bool IsSupported(SimdLevel level) => level >= SimdLevel.Vector256 && AvxVnni.IsSupported;

    /// <summary>Fills the prepared activations (see the type remarks) from Q8_0 blocks <paramref name="x"/>.</summary>
    /// <param name="x">[tokens * blocks] Q8_0 blocks (34 bytes each), token-major.</param>
    /// <param name="count">tokens * blocks.</param>
    /// <param name="q4">Bias for Q4_0 weights (c = 8) instead of Q8_0 (c = 128).</param>
    /// <param name="records">[count * 64] bytes, 64-byte aligned.</param>
    /// <param name="scales">[count] floats.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Prepare(byte* x, long count, bool q4, byte* records, float* scales)
    {
        Vector256<int> factor = Vector256.Create(q4 ? -8 : -128);
        Vector256<byte> ones = Vector256.Create((byte)1);
        for (long b = 0; b < count; b++)
        {
            byte* block = x + (b * QuantDot.Q8Stride);
            Vector256<sbyte> q = Vector256.Load((sbyte*)(block + 2));
            q.StoreAligned((sbyte*)(records + (b * 64)));
            Vector256<int> groupSums = AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, ones, q);
            (groupSums * factor).StoreAligned((int*)(records + (b * 64) + 32));
            scales[b] = DecodeHalf(*(ushort*)block);
        }
    }

    /// <summary>
    /// <c>y[t, r] = Σ_b d_w(r, b) d_x(t, b) Σ_j w[r, b, j] x[t, b, j]</c> for rows [start, end) and every token.
    /// </summary>
    /// <typeparam name="TWeights">The weight block format (Q8_0 or Q4_0).</typeparam>
    /// <param name="w">[rows, blocks] weight blocks.</param>
    /// <param name="rows">Rows of w (the row stride of y).</param>
    /// <param name="blocks">Blocks per row, at most <see cref="MaxBlocks"/>.</param>
    /// <param name="tokens">Activation rows.</param>
    /// <param name="records">Prepared activation quants and bias lanes (c matching <typeparamref name="TWeights"/>), see <see cref="Prepare"/>.</param>
    /// <param name="scales">Prepared activation scales.</param>
    /// <param name="y">[tokens, rows] output.</param>
    /// <param name="start">First row, a multiple of four.</param>
    /// <param name="end">One past the last row.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows<TWeights>(byte* w, int rows, int blocks, int tokens, byte* records, float* scales, float* y, int start, int end)
        where TWeights : struct, IWeightBlocks
    {
        long rowBytes = (long)blocks * TWeights.Stride;
        float* ws = stackalloc float[4 * blocks];
        float* tile = stackalloc float[128];

        // Rows up to MaxUnpackedBlocks are unpacked once per pass into a 32 KB stack buffer, so the token groups
        // read the vpdpbusd operand with one load instead of repeating the Q4_0 shift and mask or the Q8_0 XOR.
        int unpackedBytes = blocks <= MaxUnpackedBlocks ? 4 * blocks * 32 : 0;
        byte* unpacked = stackalloc byte[unpackedBytes];
        for (int r = start; r < end; r += 4)
        {
            byte* w0 = w + (r * rowBytes);
            byte* w1 = r + 1 < end ? w0 + rowBytes : w0;
            byte* w2 = r + 2 < end ? w0 + (2 * rowBytes) : w0;
            byte* w3 = r + 3 < end ? w0 + (3 * rowBytes) : w0;
            DecodeScales(w0, blocks, TWeights.Stride, ws);
            DecodeScales(w1, blocks, TWeights.Stride, ws + blocks);
            DecodeScales(w2, blocks, TWeights.Stride, ws + (2 * blocks));
            DecodeScales(w3, blocks, TWeights.Stride, ws + (3 * blocks));

            // Prefetch the next pass's rows while this pass's rows stream from memory (the unpack, or the first token group).
            long ahead = r + 4 < end ? 4 * rowBytes : 0;
            int liveRows = Math.Min(4, end - r);
            if (unpackedBytes != 0)
            {
                long uRow = (long)blocks * 32;
                UnpackRow<TWeights>(w0, blocks, ahead, unpacked);
                UnpackRow<TWeights>(w1, blocks, ahead, unpacked + uRow);
                UnpackRow<TWeights>(w2, blocks, ahead, unpacked + (2 * uRow));
                UnpackRow<TWeights>(w3, blocks, ahead, unpacked + (3 * uRow));
                var pass = new Pass(unpacked, unpacked + uRow, unpacked + (2 * uRow), unpacked + (3 * uRow), ws, blocks, 0);
                for (int t = 0; t < tokens; t += 4)
                {
                    Tile<UnpackedWeights>(pass, t, Math.Min(t + 1, tokens - 1), Math.Min(t + 2, tokens - 1), Math.Min(t + 3, tokens - 1),
                        records, scales, tile, y + ((long)t * rows) + r, rows, liveRows, Math.Min(4, tokens - t));
                }

                continue;
            }

            for (int t = 0; t < tokens; t += 4)
            {
                var pass = new Pass(w0, w1, w2, w3, ws, blocks, t == 0 ? ahead : 0);
                Tile<TWeights>(pass, t, Math.Min(t + 1, tokens - 1), Math.Min(t + 2, tokens - 1), Math.Min(t + 3, tokens - 1),
                    records, scales, tile, y + ((long)t * rows) + r, rows, liveRows, Math.Min(4, tokens - t));
            }
        }
    }

    /// <summary>Writes the <c>vpdpbusd</c> operand of every block of one weight row to <paramref name="destination"/> ([blocks, 32] bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UnpackRow<TWeights>(byte* row, int blocks, long ahead, byte* destination)
        where TWeights : struct, IWeightBlocks
    {
        for (int b = 0; b < blocks; b++)
        {
            byte* block = row + ((long)b * TWeights.Stride);
            if (ahead != 0 && Sse.IsSupported)
            {
                Sse.Prefetch0(block + ahead);
            }

            TWeights.Unpack(block + TWeights.QuantOffset).Store(destination + ((long)b * 32));
        }
    }

    /// <summary>One 4 x 4 tile over all blocks. Too large to inline: optimised up front so it never runs as tier-0 code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TWeights>(in Pass p, int t0, int t1, int t2, int t3, byte* records, float* scales, float* tile,
        float* y, int rows, int liveRows, int liveTokens)
        where TWeights : struct, IWeightBlocks
    {
        int blocks = p.Blocks;
        long o0 = (long)t0 * blocks;
        long o1 = (long)t1 * blocks;
        long o2 = (long)t2 * blocks;
        long o3 = (long)t3 * blocks;
        byte* x0 = records + (o0 * 64);
        byte* x1 = records + (o1 * 64);
        byte* x2 = records + (o2 * 64);
        byte* x3 = records + (o3 * 64);
        Vector256<float> a00 = Vector256<float>.Zero, a01 = Vector256<float>.Zero, a02 = Vector256<float>.Zero, a03 = Vector256<float>.Zero;
        Vector256<float> a10 = Vector256<float>.Zero, a11 = Vector256<float>.Zero, a12 = Vector256<float>.Zero, a13 = Vector256<float>.Zero;
        Vector256<float> a20 = Vector256<float>.Zero, a21 = Vector256<float>.Zero, a22 = Vector256<float>.Zero, a23 = Vector256<float>.Zero;
        Vector256<float> a30 = Vector256<float>.Zero, a31 = Vector256<float>.Zero, a32 = Vector256<float>.Zero, a33 = Vector256<float>.Zero;
        for (int g = 0; g < blocks; g += 8)
        {
            int n = Math.Min(8, blocks - g);
            FillScaleTile(p.Scales, blocks, g, n, scales + o0, scales + o1, scales + o2, scales + o3, tile);
            for (int j = 0; j < n; j++)
            {
                int b = g + j;
                long wo = ((long)b * TWeights.Stride) + TWeights.QuantOffset;
                if (p.Ahead != 0 && Sse.IsSupported)
                {
                    Sse.Prefetch0(p.W0 + wo + p.Ahead);
                    Sse.Prefetch0(p.W1 + wo + p.Ahead);
                    Sse.Prefetch0(p.W2 + wo + p.Ahead);
                    Sse.Prefetch0(p.W3 + wo + p.Ahead);
                }

                long xo = (long)b * 64;
                Vector256<sbyte> v0 = Vector256.LoadAligned((sbyte*)(x0 + xo));
                Vector256<sbyte> v1 = Vector256.LoadAligned((sbyte*)(x1 + xo));
                Vector256<sbyte> v2 = Vector256.LoadAligned((sbyte*)(x2 + xo));
                Vector256<sbyte> v3 = Vector256.LoadAligned((sbyte*)(x3 + xo));
                Vector256<int> e0 = Vector256.LoadAligned((int*)(x0 + xo + 32));
                Vector256<int> e1 = Vector256.LoadAligned((int*)(x1 + xo + 32));
                Vector256<int> e2 = Vector256.LoadAligned((int*)(x2 + xo + 32));
                Vector256<int> e3 = Vector256.LoadAligned((int*)(x3 + xo + 32));
                float* s = tile + j;

                Vector256<byte> u = TWeights.Unpack(p.W0 + wo);
                a00 = Step(a00, e0, u, v0, s[0]);
                a01 = Step(a01, e1, u, v1, s[8]);
                a02 = Step(a02, e2, u, v2, s[16]);
                a03 = Step(a03, e3, u, v3, s[24]);
                u = TWeights.Unpack(p.W1 + wo);
                a10 = Step(a10, e0, u, v0, s[32]);
                a11 = Step(a11, e1, u, v1, s[40]);
                a12 = Step(a12, e2, u, v2, s[48]);
                a13 = Step(a13, e3, u, v3, s[56]);
                u = TWeights.Unpack(p.W2 + wo);
                a20 = Step(a20, e0, u, v0, s[64]);
                a21 = Step(a21, e1, u, v1, s[72]);
                a22 = Step(a22, e2, u, v2, s[80]);
                a23 = Step(a23, e3, u, v3, s[88]);
                u = TWeights.Unpack(p.W3 + wo);
                a30 = Step(a30, e0, u, v0, s[96]);
                a31 = Step(a31, e1, u, v1, s[104]);
                a32 = Step(a32, e2, u, v2, s[112]);
                a33 = Step(a33, e3, u, v3, s[120]);
            }
        }

        Store(y, rows, 0, liveRows, liveTokens, a00, a01, a02, a03);
        Store(y, rows, 1, liveRows, liveTokens, a10, a11, a12, a13);
        Store(y, rows, 2, liveRows, liveTokens, a20, a21, a22, a23);
        Store(y, rows, 3, liveRows, liveTokens, a30, a31, a32, a33);
    }

    /// <summary>acc + float(bias + Σ_group u x) * scale: one (row, token) pair's block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Step(Vector256<float> acc, Vector256<int> bias, Vector256<byte> u, Vector256<sbyte> x, float scale) =>
        Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(AvxVnni.MultiplyWideningAndAdd(bias, u, x)), Vector256.Create(scale), acc);

    /// <summary>tile[r, t, j] = ws[r, g + j] * xs_t[g + j] for j &lt; n (see the type remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FillScaleTile(float* ws, int blocks, int g, int n, float* s0, float* s1, float* s2, float* s3, float* tile)
    {
        if (n == 8)
        {
            Vector256<float> x0 = Vector256.Load(s0 + g);
            Vector256<float> x1 = Vector256.Load(s1 + g);
            Vector256<float> x2 = Vector256.Load(s2 + g);
            Vector256<float> x3 = Vector256.Load(s3 + g);
            for (int r = 0; r < 4; r++)
            {
                Vector256<float> d = Vector256.Load(ws + (r * blocks) + g);
                (d * x0).Store(tile + (r * 32));
                (d * x1).Store(tile + (r * 32) + 8);
                (d * x2).Store(tile + (r * 32) + 16);
                (d * x3).Store(tile + (r * 32) + 24);
            }

            return;
        }

        for (int r = 0; r < 4; r++)
        {
            for (int j = 0; j < n; j++)
            {
                float d = ws[(r * blocks) + g + j];
                tile[(r * 32) + j] = d * s0[g + j];
                tile[(r * 32) + 8 + j] = d * s1[g + j];
                tile[(r * 32) + 16 + j] = d * s2[g + j];
                tile[(r * 32) + 24 + j] = d * s3[g + j];
            }
        }
    }

    private static void DecodeScales(byte* row, int blocks, int stride, float* destination)
    {
        for (int b = 0; b < blocks; b++)
        {
            destination[b] = DecodeHalf(*(ushort*)(row + ((long)b * stride)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* y, int rows, int r, int liveRows, int liveTokens,
        Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3)
    {
        if (r >= liveRows)
        {
            return;
        }

        y[r] = Vector256.Sum(a0);
        if (liveTokens > 1)
        {
            y[rows + r] = Vector256.Sum(a1);
        }

        if (liveTokens > 2)
        {
            y[(2L * rows) + r] = Vector256.Sum(a2);
        }

        if (liveTokens > 3)
        {
            y[(3L * rows) + r] = Vector256.Sum(a3);
        }
    }

    /// <summary>Branch-free fp16 → fp32, exact for every finite half (as <see cref="QuantDot"/> decodes scales).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DecodeHalf(uint h)
    {
        float magnitude = BitConverter.UInt32BitsToSingle((h & 0x7FFF) << 13) * 5.192296858534828e33f;
        return BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(magnitude) | ((h & 0x8000) << 16));
    }

    /// <summary>One four-row pass: the rows, their decoded scales and the prefetch distance (0: none).</summary>
    private readonly struct Pass(byte* w0, byte* w1, byte* w2, byte* w3, float* scales, int blocks, long ahead)
    {
        public readonly byte* W0 = w0;
        public readonly byte* W1 = w1;
        public readonly byte* W2 = w2;
        public readonly byte* W3 = w3;
        public readonly float* Scales = scales;
        public readonly int Blocks = blocks;
        public readonly long Ahead = ahead;
    }
}
