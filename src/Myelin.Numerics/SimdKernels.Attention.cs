using System.Runtime.Intrinsics;
using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <content>
/// Fused attention: for each (query, head), keys are visited in blocks of <see cref="AttentionBlock"/>; a block's
/// scores live in a stack buffer, the running max m and normaliser l are updated once per block (flash-attention
/// style online softmax: acc and l are rescaled by exp(m_old - m_new)), and the weighted values accumulate
/// straight into the output row. Nothing of size KvLength is materialised and nothing is allocated.
/// (query, head) pairs are independent and split across threads.
/// </content>
public sealed partial class SimdKernels
{
    private const int AttentionBlock = 64;

    /// <inheritdoc />
    public unsafe void Attention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, in AttentionShape shape, Span<float> output)
    {
        KernelChecks.Attention(q.Length, k.Length, v.Length, shape, output.Length);
        int count = shape.QueryLength * shape.Heads;
        if (count == 0)
        {
            return;
        }

        long work = (long)count * shape.KvLength * shape.HeadDim;
        fixed (float* pq = q)
        fixed (float* pk = k)
        fixed (float* pv = v)
        fixed (float* po = output)
        {
            var job = new AttentionJob { Level = _level, Shape = shape, Q = pq, K = pk, V = pv, O = po };
            ParallelRunner.For(count, work < (1 << 16) ? 1 : ParallelRunner.MaxThreads, job);
        }
    }

    private unsafe struct AttentionJob : IParallelJob
    {
        public SimdLevel Level;
        public AttentionShape Shape;
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
            int t = index / Shape.Heads;
            int h = index % Shape.Heads;
            int kvh = h / (Shape.Heads / Shape.KvHeads);
            int kvRow = Shape.KvHeads * hd;
            float scale = Shape.EffectiveScale;
            int visible = Shape.Causal ? Math.Clamp(Shape.EffectiveQueryOffset + t + 1, 0, Shape.KvLength) : Shape.KvLength;
            var qh = new ReadOnlySpan<float>(Q + ((long)index * hd), hd);
            var acc = new Span<float>(O + ((long)index * hd), hd);
            acc.Clear();
            Span<float> scores = stackalloc float[AttentionBlock];
            float m = float.NegativeInfinity;
            float l = 0f;
            for (int j0 = 0; j0 < visible; j0 += AttentionBlock)
            {
                int bn = Math.Min(AttentionBlock, visible - j0);
                for (int jj = 0; jj < bn; jj++)
                {
                    var kj = new ReadOnlySpan<float>(K + ((long)(j0 + jj) * kvRow) + (kvh * hd), hd);
                    scores[jj] = VectorOps.Dot(Level, qh, kj) * scale;
                }

                float mNew = Math.Max(m, VectorOps.Max(Level, scores[..bn]));
                float correction = MathF.Exp(m - mNew);
                if (correction != 1f)
                {
                    l *= correction;
                    VectorOps.Map(Level, new ScaleOp(correction), acc, acc);
                }

                // The block's softmax numerators in one vector pass, then its weighted values: each slice of the
                // accumulator stays in a register while the block's value rows stream past it.
                Span<float> weights = scores[..bn];
                VectorOps.Map(Level, new ExpShiftOp(mNew), weights, weights);
                for (int jj = 0; jj < bn; jj++)
                {
                    l += weights[jj];
                }

                fixed (float* pw = weights)
                fixed (float* pacc = acc)
                {
                    AccumulateValues(Level, V + ((long)j0 * kvRow) + (kvh * hd), kvRow, pw, bn, pacc, hd);
                }

                m = mNew;
            }

            if (l > 0f)
            {
                VectorOps.Map(Level, new ScaleOp(1f / l), acc, acc);
            }
        }
    }
}
