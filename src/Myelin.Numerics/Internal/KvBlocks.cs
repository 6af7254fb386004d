using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Myelin.Numerics.Internal;

/// <summary>Blocks of attention keys transposed to <c>[HeadDim, 64]</c> and values made contiguous, for <see cref="AttentionTile"/>.</summary>
internal static unsafe class KvBlocks
{
    /// <summary>
    /// kt[d * 64 + j] = k[j * kvRow + d] for j &lt; <paramref name="bn"/>, and 0 for bn &lt;= j &lt; <paramref name="padded"/>.
    /// With AVX, whole 8 x 8 squares go through registers (8 row loads, 24 shuffles, 8 column stores); the rest of
    /// the keys and of the dims is copied one float at a time. The result is the same bit for bit either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransposeKeys(float* k, int kvRow, int bn, int padded, int hd, float* kt, bool avx)
    {
        const int Stride = AttentionTile.BlockKeys;
        int j = 0;
        if (avx)
        {
            for (; j + 8 <= bn; j += 8)
            {
                float* src = k + ((long)j * kvRow);
                int d = 0;
                for (; d + 8 <= hd; d += 8)
                {
                    Square8(src + d, kvRow, kt + (d * Stride) + j);
                }

                for (; d < hd; d++)
                {
                    for (int jj = 0; jj < 8; jj++)
                    {
                        kt[(d * Stride) + j + jj] = src[((long)jj * kvRow) + d];
                    }
                }
            }
        }

        for (; j < bn; j++)
        {
            float* src = k + ((long)j * kvRow);
            for (int d = 0; d < hd; d++)
            {
                kt[(d * Stride) + j] = src[d];
            }
        }

        if (bn < padded)
        {
            for (int d = 0; d < hd; d++)
            {
                new Span<float>(kt + (d * Stride) + bn, padded - bn).Clear();
            }
        }
    }

    /// <summary>vb[j * hd + d] = v[j * kvRow + d] for j &lt; <paramref name="bn"/>: a block of value rows made contiguous.</summary>
    public static void CopyValues(float* v, int kvRow, int bn, int hd, float* vb)
    {
        for (int j = 0; j < bn; j++)
        {
            new ReadOnlySpan<float>(v + ((long)j * kvRow), hd).CopyTo(new Span<float>(vb + (j * hd), hd));
        }
    }

    /// <summary>
    /// s[r, j] = scale * Σ_d q[r, d] k[j, d] for j &lt; <paramref name="bn"/> straight from the strided keys (and
    /// 0 up to <paramref name="padded"/>): eight keys at a time, one accumulator per key, folded by a horizontal-add
    /// tree. For tiles of a row or two (decode with little GQA sharing) this beats transposing the block first: the
    /// transpose took a third of a decode step at 2,000-3,000 tokens of context on the replay model (two query heads
    /// per KV head), since only two rows shared it. Needs AVX and FMA and a head dim that is a multiple of 8.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DirectScores(float** qRows, int rows, float* k, int kvRow, int bn, int padded, int hd, float scale, float* s)
    {
        Vector256<float> sc = Vector256.Create(scale);
        for (int r = 0; r < rows; r++)
        {
            float* q = qRows[r];
            float* sr = s + (r * AttentionTile.BlockKeys);
            int j = 0;
            for (; j + 8 <= bn; j += 8)
            {
                float* k0 = k + ((long)j * kvRow);
                float* k1 = k0 + kvRow, k2 = k1 + kvRow, k3 = k2 + kvRow, k4 = k3 + kvRow, k5 = k4 + kvRow, k6 = k5 + kvRow, k7 = k6 + kvRow;
                Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
                for (int d = 0; d < hd; d += 8)
                {
                    Vector256<float> qv = Vector256.Load(q + d);
                    a0 = Vector256.FusedMultiplyAdd(qv, Vector256.Load(k0 + d), a0);
                    a1 = Vector256.FusedMultiplyAdd(qv, Vector256.Load(k1 + d), a1);
                    a2 = Vector256.FusedMultiplyAdd(qv, Vector256.Load(k2 + d), a2);
                    a3 = Vector256.FusedMultiplyAdd(qv, Vector256.Load(k3 + d), a3);
                    a4 = Vector256.FusedMultiplyAdd(qv, Vector256.Load(k4 + d), a4);
                    a5 = Vector256.FusedMultiplyAdd(qv, Vector256.Load(k5 + d), a5);
                    a6 = Vector256.FusedMultiplyAdd(qv, Vector256.Load(k6 + d), a6);
                    a7 = Vector256.FusedMultiplyAdd(qv, Vector256.Load(k7 + d), a7);
                }

                (Sum8(a0, a1, a2, a3, a4, a5, a6, a7) * sc).Store(sr + j);
            }

            for (; j < bn; j++)
            {
                float* kj = k + ((long)j * kvRow);
                Vector256<float> a = Vector256<float>.Zero;
                for (int d = 0; d < hd; d += 8)
                {
                    a = Vector256.FusedMultiplyAdd(Vector256.Load(q + d), Vector256.Load(kj + d), a);
                }

                sr[j] = Vector256.Sum(a) * scale;
            }

            for (; j < padded; j++)
            {
                sr[j] = 0f;
            }
        }
    }

    /// <summary>Lane i of the result is the sum of the lanes of ai.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Sum8(
        Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3,
        Vector256<float> a4, Vector256<float> a5, Vector256<float> a6, Vector256<float> a7)
    {
        // hadd(a, b) = [a01, a23, b01, b23 | a45, a67, b45, b67]; two rounds leave four keys' half sums per 128-bit lane.
        Vector256<float> low = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
        Vector256<float> high = Avx.HorizontalAdd(Avx.HorizontalAdd(a4, a5), Avx.HorizontalAdd(a6, a7));
        return Avx.Permute2x128(low, high, 0x20) + Avx.Permute2x128(low, high, 0x31);
    }

    /// <summary>The 8 x 8 square at src (rows kvRow apart) into dst (rows 64 apart), transposed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Square8(float* src, int kvRow, float* dst)
    {
        const int Stride = AttentionTile.BlockKeys;
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + kvRow);
        Vector256<float> r2 = Avx.LoadVector256(src + (2L * kvRow));
        Vector256<float> r3 = Avx.LoadVector256(src + (3L * kvRow));
        Vector256<float> r4 = Avx.LoadVector256(src + (4L * kvRow));
        Vector256<float> r5 = Avx.LoadVector256(src + (5L * kvRow));
        Vector256<float> r6 = Avx.LoadVector256(src + (6L * kvRow));
        Vector256<float> r7 = Avx.LoadVector256(src + (7L * kvRow));

        // Pairs of rows interleaved: t0 = [a00 a10 a01 a11 | a04 a14 a05 a15], t1 = [a02 a12 a03 a13 | a06 a16 a07 a17].
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        // Four rows per 128-bit lane: s0 = [a00 a10 a20 a30 | a04 a14 a24 a34] (columns 0 and 4), s1 columns 1 and 5...
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);

        // Low lanes of rows 0-3 with low lanes of rows 4-7 give columns 0-3; the high lanes give columns 4-7.
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + Stride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + (2 * Stride), Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + (3 * Stride), Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + (4 * Stride), Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + (5 * Stride), Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + (6 * Stride), Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + (7 * Stride), Avx.Permute2x128(s3, s7, 0x31));
    }
}
