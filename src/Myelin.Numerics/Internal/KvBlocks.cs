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
