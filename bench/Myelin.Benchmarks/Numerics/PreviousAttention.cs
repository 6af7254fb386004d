using System.Runtime.Intrinsics;
using Myelin.Numerics;
using Myelin.Numerics.Internal;

namespace Myelin.Benchmarks.Numerics;

/// <summary>
/// The attention kernel <see cref="SimdKernels.Attention"/> had before the tiled, key-vectorised one (commit b5f2ea7),
/// kept verbatim as the reference side of <see cref="AttentionSideBySide"/>: one job per (query token, GQA group of
/// heads), one <c>VectorOps.Dot</c> (a horizontal reduction) per score, online softmax over blocks of 64 keys.
/// </summary>
internal static class PreviousAttention
{
    private const int AttentionBlock = 64;

    public static unsafe void Attention(SimdLevel level, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, in AttentionShape shape, Span<float> output)
    {
        int count = shape.QueryLength * shape.Heads;
        if (count == 0)
        {
            return;
        }

        long work = (long)count * shape.KvLength * shape.HeadDim;
        int threads = work < (1 << 16) ? 1 : ParallelRunner.MaxThreads;
        int group = shape.Heads / shape.KvHeads;
        if (group > 1 && shape.QueryLength * shape.KvHeads < 2 * threads)
        {
            group = 1;
        }

        fixed (float* pq = q)
        fixed (float* pk = k)
        fixed (float* pv = v)
        fixed (float* po = output)
        {
            var job = new AttentionJob { Level = level, Shape = shape, Group = group, Q = pq, K = pk, V = pv, O = po };
            ParallelRunner.For(count / group, threads, job);
        }
    }

    private unsafe struct AttentionJob : IParallelJob
    {
        public SimdLevel Level;
        public AttentionShape Shape;
        public int Group;
        public float* Q;
        public float* K;
        public float* V;
        public float* O;

        /// <summary>acc[d] += Σ_j p[j] v[j * stride + d] for d &lt; hd, one vector slice of acc at a time.</summary>
        private static void AccumulateValues(SimdLevel level, float* v, int stride, float* p, int count, float* acc, int hd)
        {
            int d = 0;
            if (level == SimdLevel.Vector512)
            {
                for (; d + 16 <= hd; d += 16)
                {
                    Vector512<float> a = Vector512.Load(acc + d);
                    for (int j = 0; j < count; j++)
                    {
                        a = Vector512.FusedMultiplyAdd(Vector512.Create(p[j]), Vector512.Load(v + ((long)j * stride) + d), a);
                    }

                    a.Store(acc + d);
                }
            }

            if (level >= SimdLevel.Vector256)
            {
                for (; d + 8 <= hd; d += 8)
                {
                    Vector256<float> a = Vector256.Load(acc + d);
                    for (int j = 0; j < count; j++)
                    {
                        a = Vector256.FusedMultiplyAdd(Vector256.Create(p[j]), Vector256.Load(v + ((long)j * stride) + d), a);
                    }

                    a.Store(acc + d);
                }
            }

            if (level >= SimdLevel.Vector128)
            {
                for (; d + 4 <= hd; d += 4)
                {
                    Vector128<float> a = Vector128.Load(acc + d);
                    for (int j = 0; j < count; j++)
                    {
                        a = Vector128.FusedMultiplyAdd(Vector128.Create(p[j]), Vector128.Load(v + ((long)j * stride) + d), a);
                    }

                    a.Store(acc + d);
                }
            }

            for (; d < hd; d++)
            {
                float a = acc[d];
                for (int j = 0; j < count; j++)
                {
                    a = MathF.FusedMultiplyAdd(p[j], v[((long)j * stride) + d], a);
                }

                acc[d] = a;
            }
        }

        public readonly void Execute(int index)
        {
            int hd = Shape.HeadDim;
            int g = Group;
            int groupsPerToken = Shape.Heads / g;
            int t = index / groupsPerToken;
            int h0 = (index % groupsPerToken) * g;
            int kvh = h0 / (Shape.Heads / Shape.KvHeads);
            int kvRow = Shape.KvHeads * hd;
            float scale = Shape.EffectiveScale;
            int visible = Shape.Causal ? Math.Clamp(Shape.EffectiveQueryOffset + t + 1, 0, Shape.KvLength) : Shape.KvLength;
            long first = ((long)t * Shape.Heads) + h0;
            Span<float> scores = stackalloc float[AttentionBlock];
            Span<float> maxima = stackalloc float[g];
            Span<float> sums = stackalloc float[g];
            maxima.Fill(float.NegativeInfinity);
            sums.Clear();
            new Span<float>(O + (first * hd), g * hd).Clear();
            for (int j0 = 0; j0 < visible; j0 += AttentionBlock)
            {
                int bn = Math.Min(AttentionBlock, visible - j0);
                float* kb = K + ((long)j0 * kvRow) + (kvh * hd);
                float* vb = V + ((long)j0 * kvRow) + (kvh * hd);
                for (int i = 0; i < g; i++)
                {
                    var qh = new ReadOnlySpan<float>(Q + ((first + i) * hd), hd);
                    float* acc = O + ((first + i) * hd);
                    Span<float> weights = scores[..bn];
                    for (int jj = 0; jj < bn; jj++)
                    {
                        weights[jj] = VectorOps.Dot(Level, qh, new ReadOnlySpan<float>(kb + ((long)jj * kvRow), hd)) * scale;
                    }

                    float m = maxima[i];
                    float mNew = Math.Max(m, VectorOps.Max(Level, weights));
                    float correction = MathF.Exp(m - mNew);
                    if (correction != 1f)
                    {
                        sums[i] *= correction;
                        var accSpan = new Span<float>(acc, hd);
                        VectorOps.Map(Level, new ScaleOp(correction), accSpan, accSpan);
                    }

                    // The block's softmax numerators in one vector pass, then its weighted values: each slice of the
                    // accumulator stays in a register while the block's value rows stream past it.
                    VectorOps.Map(Level, new ExpShiftOp(mNew), weights, weights);
                    float l = 0f;
                    for (int jj = 0; jj < bn; jj++)
                    {
                        l += weights[jj];
                    }

                    sums[i] += l;
                    fixed (float* pw = weights)
                    {
                        AccumulateValues(Level, vb, kvRow, pw, bn, acc, hd);
                    }

                    maxima[i] = mNew;
                }
            }

            for (int i = 0; i < g; i++)
            {
                if (sums[i] > 0f)
                {
                    var accSpan = new Span<float>(O + ((first + i) * hd), hd);
                    VectorOps.Map(Level, new ScaleOp(1f / sums[i]), accSpan, accSpan);
                }
            }
        }
    }
}
