using System.Runtime.CompilerServices;

namespace Myelin.Numerics.Internal;

/// <summary>
/// Flash attention for one tile: up to <see cref="MaxRows"/> query rows (a few query tokens times the query heads
/// that share one KV head) against that KV head's keys, visited in blocks of <see cref="BlockKeys"/>.
/// </summary>
/// <remarks>
/// <para>Per block: the block's keys are transposed once into <c>kt[d, j]</c> (<c>[HeadDim, 64]</c>, keys along
/// the fast axis, zero-padded to a whole number of passes), so the scores of four rows against 4 x <c>Count</c>
/// keys are 16 register accumulators fed by one broadcast q[r, d] and four key vectors per d: no horizontal
/// reduction per key, and the transpose is paid once for every row of the tile. Then each row's online softmax
/// (running max m and sum l; the block's exp(s - m_new) written over its scores, exactly 0 past the row's causal
/// limit), then <c>o[r] = o[r] * exp(m_old - m_new) + P V</c>, four rows by 4 x <c>Count</c> output columns in
/// registers while the block's value rows stream past (each value row read once per four rows, from L1).</para>
/// <para>A tile of one or two rows (decode when at most two query heads share a KV head) skips the transpose and
/// scores eight keys at a time straight from the cache (<see cref="KvBlocks.DirectScores"/>): with only two rows to
/// share it, the transpose was a third of a decode step at 2,000-3,000 tokens of context, and dropping it took that
/// step from 1.96-2.01 to 1.52-1.59 ms on the replay model.</para>
/// <para>Rows have their own causal limits (the tile's tokens sit at different positions): the tile visits keys up
/// to its largest limit, and a row's keys past its own limit get weight 0 (a row with none in a block keeps its m,
/// l and accumulator unchanged). Head dims that are not a multiple of <c>Count</c> finish the last columns with a
/// scalar loop; keys never have a tail (padding). Summation order differs from <see cref="ReferenceKernels"/>, so
/// results agree within float32 rounding.</para>
/// <para>The hot methods are <see cref="MethodImplOptions.AggressiveOptimization"/>: their first call (a prefill's
/// first layer) would otherwise run tier-0 code, where every <see cref="ISimdWidth{TVec}"/> operation is a call.</para>
/// </remarks>
internal static unsafe class AttentionTile
{
    /// <summary>Keys per block; one block of transposed keys is <c>HeadDim x 64</c> floats.</summary>
    public const int BlockKeys = 64;

    /// <summary>Tiles of at most this many rows score their keys in place (<see cref="KvBlocks.DirectScores"/>) instead of transposing each block.</summary>
    public const int DirectScoreRows = 2;

    /// <summary>The most query rows in one tile.</summary>
    public const int MaxRows = 32;

    /// <summary>Floats per block of a packed KV head: the keys transposed (<c>[HeadDim, 64]</c>, zero past the last key), then the values (<c>[64, HeadDim]</c>).</summary>
    public static int PackedBlockFloats(int hd) => 2 * hd * BlockKeys;

    /// <summary>Attention for <paramref name="rows"/> query rows against one KV head.</summary>
    /// <param name="qRows">[rows] pointers to each row's query, HeadDim floats.</param>
    /// <param name="oRows">[rows] pointers to each row's output, HeadDim floats (overwritten).</param>
    /// <param name="limits">[rows] how many keys (from key 0) each row sees.</param>
    /// <param name="rows">Rows in the tile, at most <see cref="MaxRows"/>.</param>
    /// <param name="k">Key 0 of this KV head; key j at <c>k + j * kvRow</c>.</param>
    /// <param name="v">Value 0 of this KV head, same layout.</param>
    /// <param name="kvRow">Floats between consecutive keys (KvHeads * HeadDim).</param>
    /// <param name="hd">HeadDim.</param>
    /// <param name="scale">Score scale.</param>
    /// <param name="kt">Scratch of HeadDim * <see cref="BlockKeys"/> floats for the transposed keys.</param>
    /// <param name="vb">Scratch of HeadDim * <see cref="BlockKeys"/> floats for the packed values.</param>
    /// <param name="packed">This KV head's keys and values already packed block by block (see <see cref="PackedBlockFloats"/>),
    /// or null to transpose and pack each block here.</param>
    /// <param name="avx">Whether the key transpose may use 8 x 8 AVX shuffles.</param>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TVec, TW>(
        float** qRows, float** oRows, int* limits, int rows, float* k, float* v, int kvRow, int hd, float scale, float* kt, float* vb, float* packed, bool avx)
        where TVec : unmanaged
        where TW : ISimdWidth<TVec>
    {
        float* s = stackalloc float[MaxRows * BlockKeys];
        float* m = stackalloc float[MaxRows];
        float* l = stackalloc float[MaxRows];
        float* corr = stackalloc float[MaxRows];
        int end = 0;
        for (int r = 0; r < rows; r++)
        {
            m[r] = float.NegativeInfinity;
            l[r] = 0f;
            new Span<float>(oRows[r], hd).Clear();
            end = Math.Max(end, limits[r]);
        }

        int pass = 4 * TW.Count;
        bool direct = packed is null && avx && rows <= DirectScoreRows && hd % 8 == 0 && System.Runtime.Intrinsics.X86.Fma.IsSupported;
        for (int j0 = 0; j0 < end; j0 += BlockKeys)
        {
            int bn = Math.Min(BlockKeys, end - j0);
            int padded = (bn + pass - 1) / pass * pass;
            float* ktBlock = kt;
            float* vBlock = v + ((long)j0 * kvRow);
            int vStride = kvRow;
            if (packed is not null)
            {
                ktBlock = packed + (j0 / BlockKeys * PackedBlockFloats(hd));
                vBlock = ktBlock + (hd * BlockKeys);
                vStride = hd;
            }
            else if (!direct)
            {
                KvBlocks.TransposeKeys(k + ((long)j0 * kvRow), kvRow, bn, padded, hd, kt, avx);

                // Value rows kvRow floats apart (1 KiB on the replay model) fall into a few L1 sets and evict each
                // other between the sweeps of four rows; packed contiguously they stay. One sweep (four rows or
                // fewer, decode) reads them in place.
                if (rows > 4)
                {
                    KvBlocks.CopyValues(vBlock, kvRow, bn, hd, vb);
                    vBlock = vb;
                    vStride = hd;
                }
            }

            if (direct)
            {
                KvBlocks.DirectScores(qRows, rows, k + ((long)j0 * kvRow), kvRow, bn, padded, hd, scale, s);
            }
            else
            {
                Scores<TVec, TW>(qRows, rows, ktBlock, hd, padded, scale, s);
            }

            for (int r = 0; r < rows; r++)
            {
                corr[r] = Softmax<TVec, TW>(s + (r * BlockKeys), Math.Clamp(limits[r] - j0, 0, bn), bn, m + r, l + r);
            }

            AccumulateValues<TVec, TW>(vBlock, vStride, bn, s, corr, oRows, rows, hd);
        }

        for (int r = 0; r < rows; r++)
        {
            if (l[r] > 0f)
            {
                ScaleRow<TVec, TW>(oRows[r], hd, 1f / l[r]);
            }
        }
    }

    /// <summary>s[r, j] = scale * Σ_d q[r, d] kt[d, j] for j &lt; padded (a multiple of 4 x Count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores<TVec, TW>(float** qRows, int rows, float* kt, int hd, int padded, float scale, float* s)
        where TVec : unmanaged
        where TW : ISimdWidth<TVec>
    {
        int w = TW.Count;
        TVec sc = TW.Broadcast(scale);
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            float* q0 = qRows[r], q1 = qRows[r + 1], q2 = qRows[r + 2], q3 = qRows[r + 3];
            for (int j = 0; j < padded; j += 4 * w)
            {
                TVec a00 = TW.Zero, a01 = TW.Zero, a02 = TW.Zero, a03 = TW.Zero;
                TVec a10 = TW.Zero, a11 = TW.Zero, a12 = TW.Zero, a13 = TW.Zero;
                TVec a20 = TW.Zero, a21 = TW.Zero, a22 = TW.Zero, a23 = TW.Zero;
                TVec a30 = TW.Zero, a31 = TW.Zero, a32 = TW.Zero, a33 = TW.Zero;
                float* kp = kt + j;
                for (int d = 0; d < hd; d++, kp += BlockKeys)
                {
                    TVec k0 = TW.Load(kp), k1 = TW.Load(kp + w), k2 = TW.Load(kp + (2 * w)), k3 = TW.Load(kp + (3 * w));
                    TVec b = TW.Broadcast(q0[d]);
                    a00 = TW.MultiplyAdd(b, k0, a00);
                    a01 = TW.MultiplyAdd(b, k1, a01);
                    a02 = TW.MultiplyAdd(b, k2, a02);
                    a03 = TW.MultiplyAdd(b, k3, a03);
                    b = TW.Broadcast(q1[d]);
                    a10 = TW.MultiplyAdd(b, k0, a10);
                    a11 = TW.MultiplyAdd(b, k1, a11);
                    a12 = TW.MultiplyAdd(b, k2, a12);
                    a13 = TW.MultiplyAdd(b, k3, a13);
                    b = TW.Broadcast(q2[d]);
                    a20 = TW.MultiplyAdd(b, k0, a20);
                    a21 = TW.MultiplyAdd(b, k1, a21);
                    a22 = TW.MultiplyAdd(b, k2, a22);
                    a23 = TW.MultiplyAdd(b, k3, a23);
                    b = TW.Broadcast(q3[d]);
                    a30 = TW.MultiplyAdd(b, k0, a30);
                    a31 = TW.MultiplyAdd(b, k1, a31);
                    a32 = TW.MultiplyAdd(b, k2, a32);
                    a33 = TW.MultiplyAdd(b, k3, a33);
                }

                StoreScaled<TVec, TW>(s + (r * BlockKeys) + j, sc, a00, a01, a02, a03);
                StoreScaled<TVec, TW>(s + ((r + 1) * BlockKeys) + j, sc, a10, a11, a12, a13);
                StoreScaled<TVec, TW>(s + ((r + 2) * BlockKeys) + j, sc, a20, a21, a22, a23);
                StoreScaled<TVec, TW>(s + ((r + 3) * BlockKeys) + j, sc, a30, a31, a32, a33);
            }
        }

        for (; r < rows; r++)
        {
            float* q0 = qRows[r];
            for (int j = 0; j < padded; j += 4 * w)
            {
                TVec a0 = TW.Zero, a1 = TW.Zero, a2 = TW.Zero, a3 = TW.Zero;
                float* kp = kt + j;
                for (int d = 0; d < hd; d++, kp += BlockKeys)
                {
                    TVec b = TW.Broadcast(q0[d]);
                    a0 = TW.MultiplyAdd(b, TW.Load(kp), a0);
                    a1 = TW.MultiplyAdd(b, TW.Load(kp + w), a1);
                    a2 = TW.MultiplyAdd(b, TW.Load(kp + (2 * w)), a2);
                    a3 = TW.MultiplyAdd(b, TW.Load(kp + (3 * w)), a3);
                }

                StoreScaled<TVec, TW>(s + (r * BlockKeys) + j, sc, a0, a1, a2, a3);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreScaled<TVec, TW>(float* s, TVec scale, TVec a0, TVec a1, TVec a2, TVec a3)
        where TVec : unmanaged
        where TW : ISimdWidth<TVec>
    {
        int w = TW.Count;
        TW.Store(s, TW.Multiply(a0, scale));
        TW.Store(s + w, TW.Multiply(a1, scale));
        TW.Store(s + (2 * w), TW.Multiply(a2, scale));
        TW.Store(s + (3 * w), TW.Multiply(a3, scale));
    }

    /// <summary>
    /// One row's online-softmax step for a block: folds the first <paramref name="n"/> scores into the running max
    /// and sum, overwrites s[0..bn) with exp(s - m_new) (0 from <paramref name="n"/> on) and returns exp(m_old - m_new),
    /// the factor the row's accumulator must be scaled by (1 when the row sees no key of this block).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Softmax<TVec, TW>(float* s, int n, int bn, float* m, float* l)
        where TVec : unmanaged
        where TW : ISimdWidth<TVec>
    {
        int w = TW.Count;
        int width = (bn + w - 1) / w * w;
        if (n == 0)
        {
            new Span<float>(s, width).Clear();
            return 1f;
        }

        TVec max = TW.Broadcast(float.NegativeInfinity);
        int c = 0;
        for (; c + w <= n; c += w)
        {
            max = TW.Max(max, TW.Load(s + c));
        }

        if (c < n)
        {
            max = TW.Max(max, TW.KeepFirst(TW.Load(s + c), n - c, float.NegativeInfinity));
        }

        float mNew = Math.Max(*m, TW.MaxAcross(max));
        float correction = MathF.Exp(*m - mNew);
        TVec sum = TW.Zero;
        for (c = 0; c < width; c += w)
        {
            TVec p = TW.KeepFirst(TW.ExpShifted(TW.Load(s + c), mNew), n - c, 0f);
            TW.Store(s + c, p);
            sum = TW.Add(sum, p);
        }

        *l = (*l * correction) + TW.SumAcross(sum);
        *m = mNew;
        return correction;
    }

    /// <summary>o[r, d] = o[r, d] * corr[r] + Σ_{j &lt; bn} p[r, j] v[j, d] for every row, four rows at a time (then two, then one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateValues<TVec, TW>(float* v, int kvRow, int bn, float* p, float* corr, float** oRows, int rows, int hd)
        where TVec : unmanaged
        where TW : ISimdWidth<TVec>
    {
        int w = TW.Count;
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            float* o0 = oRows[r], o1 = oRows[r + 1], o2 = oRows[r + 2], o3 = oRows[r + 3];
            float* p0 = p + (r * BlockKeys), p1 = p0 + BlockKeys, p2 = p1 + BlockKeys, p3 = p2 + BlockKeys;
            TVec c0 = TW.Broadcast(corr[r]), c1 = TW.Broadcast(corr[r + 1]), c2 = TW.Broadcast(corr[r + 2]), c3 = TW.Broadcast(corr[r + 3]);
            int d = 0;
            for (; d + (4 * w) <= hd; d += 4 * w)
            {
                int d1 = d + w, d2 = d + (2 * w), d3 = d + (3 * w);
                TVec a00 = TW.Multiply(TW.Load(o0 + d), c0), a01 = TW.Multiply(TW.Load(o0 + d1), c0);
                TVec a02 = TW.Multiply(TW.Load(o0 + d2), c0), a03 = TW.Multiply(TW.Load(o0 + d3), c0);
                TVec a10 = TW.Multiply(TW.Load(o1 + d), c1), a11 = TW.Multiply(TW.Load(o1 + d1), c1);
                TVec a12 = TW.Multiply(TW.Load(o1 + d2), c1), a13 = TW.Multiply(TW.Load(o1 + d3), c1);
                TVec a20 = TW.Multiply(TW.Load(o2 + d), c2), a21 = TW.Multiply(TW.Load(o2 + d1), c2);
                TVec a22 = TW.Multiply(TW.Load(o2 + d2), c2), a23 = TW.Multiply(TW.Load(o2 + d3), c2);
                TVec a30 = TW.Multiply(TW.Load(o3 + d), c3), a31 = TW.Multiply(TW.Load(o3 + d1), c3);
                TVec a32 = TW.Multiply(TW.Load(o3 + d2), c3), a33 = TW.Multiply(TW.Load(o3 + d3), c3);
                float* vp = v + d;
                for (int j = 0; j < bn; j++, vp += kvRow)
                {
                    TVec v0 = TW.Load(vp), v1 = TW.Load(vp + w), v2 = TW.Load(vp + (2 * w)), v3 = TW.Load(vp + (3 * w));
                    TVec b = TW.Broadcast(p0[j]);
                    a00 = TW.MultiplyAdd(b, v0, a00);
                    a01 = TW.MultiplyAdd(b, v1, a01);
                    a02 = TW.MultiplyAdd(b, v2, a02);
                    a03 = TW.MultiplyAdd(b, v3, a03);
                    b = TW.Broadcast(p1[j]);
                    a10 = TW.MultiplyAdd(b, v0, a10);
                    a11 = TW.MultiplyAdd(b, v1, a11);
                    a12 = TW.MultiplyAdd(b, v2, a12);
                    a13 = TW.MultiplyAdd(b, v3, a13);
                    b = TW.Broadcast(p2[j]);
                    a20 = TW.MultiplyAdd(b, v0, a20);
                    a21 = TW.MultiplyAdd(b, v1, a21);
                    a22 = TW.MultiplyAdd(b, v2, a22);
                    a23 = TW.MultiplyAdd(b, v3, a23);
                    b = TW.Broadcast(p3[j]);
                    a30 = TW.MultiplyAdd(b, v0, a30);
                    a31 = TW.MultiplyAdd(b, v1, a31);
                    a32 = TW.MultiplyAdd(b, v2, a32);
                    a33 = TW.MultiplyAdd(b, v3, a33);
                }

                Store4<TVec, TW>(o0 + d, a00, a01, a02, a03);
                Store4<TVec, TW>(o1 + d, a10, a11, a12, a13);
                Store4<TVec, TW>(o2 + d, a20, a21, a22, a23);
                Store4<TVec, TW>(o3 + d, a30, a31, a32, a33);
            }

            for (; d + w <= hd; d += w)
            {
                TVec a0 = TW.Multiply(TW.Load(o0 + d), c0), a1 = TW.Multiply(TW.Load(o1 + d), c1);
                TVec a2 = TW.Multiply(TW.Load(o2 + d), c2), a3 = TW.Multiply(TW.Load(o3 + d), c3);
                float* vp = v + d;
                for (int j = 0; j < bn; j++, vp += kvRow)
                {
                    TVec v0 = TW.Load(vp);
                    a0 = TW.MultiplyAdd(TW.Broadcast(p0[j]), v0, a0);
                    a1 = TW.MultiplyAdd(TW.Broadcast(p1[j]), v0, a1);
                    a2 = TW.MultiplyAdd(TW.Broadcast(p2[j]), v0, a2);
                    a3 = TW.MultiplyAdd(TW.Broadcast(p3[j]), v0, a3);
                }

                TW.Store(o0 + d, a0);
                TW.Store(o1 + d, a1);
                TW.Store(o2 + d, a2);
                TW.Store(o3 + d, a3);
            }

            for (int i = 0; i < 4; i++)
            {
                AccumulateTail(v, kvRow, bn, p + ((r + i) * BlockKeys), corr[r + i], oRows[r + i], d, hd);
            }
        }

        // Two rows (a 2-way GQA group in decode): both rows share each value load, so a block's values, read from
        // L3 or memory there, are read once.
        for (; r + 2 <= rows; r += 2)
        {
            float* o0 = oRows[r], o1 = oRows[r + 1];
            float* p0 = p + (r * BlockKeys), p1 = p0 + BlockKeys;
            TVec c0 = TW.Broadcast(corr[r]), c1 = TW.Broadcast(corr[r + 1]);
            int d = 0;
            for (; d + (4 * w) <= hd; d += 4 * w)
            {
                int d1 = d + w, d2 = d + (2 * w), d3 = d + (3 * w);
                TVec a00 = TW.Multiply(TW.Load(o0 + d), c0), a01 = TW.Multiply(TW.Load(o0 + d1), c0);
                TVec a02 = TW.Multiply(TW.Load(o0 + d2), c0), a03 = TW.Multiply(TW.Load(o0 + d3), c0);
                TVec a10 = TW.Multiply(TW.Load(o1 + d), c1), a11 = TW.Multiply(TW.Load(o1 + d1), c1);
                TVec a12 = TW.Multiply(TW.Load(o1 + d2), c1), a13 = TW.Multiply(TW.Load(o1 + d3), c1);
                float* vp = v + d;
                for (int j = 0; j < bn; j++, vp += kvRow)
                {
                    TVec v0 = TW.Load(vp), v1 = TW.Load(vp + w), v2 = TW.Load(vp + (2 * w)), v3 = TW.Load(vp + (3 * w));
                    TVec b = TW.Broadcast(p0[j]);
                    a00 = TW.MultiplyAdd(b, v0, a00);
                    a01 = TW.MultiplyAdd(b, v1, a01);
                    a02 = TW.MultiplyAdd(b, v2, a02);
                    a03 = TW.MultiplyAdd(b, v3, a03);
                    b = TW.Broadcast(p1[j]);
                    a10 = TW.MultiplyAdd(b, v0, a10);
                    a11 = TW.MultiplyAdd(b, v1, a11);
                    a12 = TW.MultiplyAdd(b, v2, a12);
                    a13 = TW.MultiplyAdd(b, v3, a13);
                }

                Store4<TVec, TW>(o0 + d, a00, a01, a02, a03);
                Store4<TVec, TW>(o1 + d, a10, a11, a12, a13);
            }

            for (; d + w <= hd; d += w)
            {
                TVec a0 = TW.Multiply(TW.Load(o0 + d), c0), a1 = TW.Multiply(TW.Load(o1 + d), c1);
                float* vp = v + d;
                for (int j = 0; j < bn; j++, vp += kvRow)
                {
                    TVec v0 = TW.Load(vp);
                    a0 = TW.MultiplyAdd(TW.Broadcast(p0[j]), v0, a0);
                    a1 = TW.MultiplyAdd(TW.Broadcast(p1[j]), v0, a1);
                }

                TW.Store(o0 + d, a0);
                TW.Store(o1 + d, a1);
            }

            AccumulateTail(v, kvRow, bn, p0, corr[r], o0, d, hd);
            AccumulateTail(v, kvRow, bn, p1, corr[r + 1], o1, d, hd);
        }

        for (; r < rows; r++)
        {
            float* o0 = oRows[r];
            float* p0 = p + (r * BlockKeys);
            TVec c0 = TW.Broadcast(corr[r]);
            int d = 0;
            for (; d + (4 * w) <= hd; d += 4 * w)
            {
                TVec a0 = TW.Multiply(TW.Load(o0 + d), c0), a1 = TW.Multiply(TW.Load(o0 + d + w), c0);
                TVec a2 = TW.Multiply(TW.Load(o0 + d + (2 * w)), c0), a3 = TW.Multiply(TW.Load(o0 + d + (3 * w)), c0);
                float* vp = v + d;
                for (int j = 0; j < bn; j++, vp += kvRow)
                {
                    TVec b = TW.Broadcast(p0[j]);
                    a0 = TW.MultiplyAdd(b, TW.Load(vp), a0);
                    a1 = TW.MultiplyAdd(b, TW.Load(vp + w), a1);
                    a2 = TW.MultiplyAdd(b, TW.Load(vp + (2 * w)), a2);
                    a3 = TW.MultiplyAdd(b, TW.Load(vp + (3 * w)), a3);
                }

                Store4<TVec, TW>(o0 + d, a0, a1, a2, a3);
            }

            for (; d + w <= hd; d += w)
            {
                TVec a0 = TW.Multiply(TW.Load(o0 + d), c0);
                float* vp = v + d;
                for (int j = 0; j < bn; j++, vp += kvRow)
                {
                    a0 = TW.MultiplyAdd(TW.Broadcast(p0[j]), TW.Load(vp), a0);
                }

                TW.Store(o0 + d, a0);
            }

            AccumulateTail(v, kvRow, bn, p0, corr[r], o0, d, hd);
        }
    }

    /// <summary>The scalar columns d0..hd-1 of one row's accumulation (head dims that are not a multiple of Count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateTail(float* v, int kvRow, int bn, float* p, float corr, float* o, int d0, int hd)
    {
        for (int d = d0; d < hd; d++)
        {
            float a = o[d] * corr;
            float* vp = v + d;
            for (int j = 0; j < bn; j++, vp += kvRow)
            {
                a = MathF.FusedMultiplyAdd(p[j], *vp, a);
            }

            o[d] = a;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4<TVec, TW>(float* o, TVec a0, TVec a1, TVec a2, TVec a3)
        where TVec : unmanaged
        where TW : ISimdWidth<TVec>
    {
        int w = TW.Count;
        TW.Store(o, a0);
        TW.Store(o + w, a1);
        TW.Store(o + (2 * w), a2);
        TW.Store(o + (3 * w), a3);
    }

    private static void ScaleRow<TVec, TW>(float* o, int hd, float factor)
        where TVec : unmanaged
        where TW : ISimdWidth<TVec>
    {
        TVec f = TW.Broadcast(factor);
        int d = 0;
        for (; d + TW.Count <= hd; d += TW.Count)
        {
            TW.Store(o + d, TW.Multiply(TW.Load(o + d), f));
        }

        for (; d < hd; d++)
        {
            o[d] *= factor;
        }
    }
}
