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

                for (int jj = 0; jj < bn; jj++)
                {
                    float p = MathF.Exp(scores[jj] - mNew);
                    l += p;
                    var vj = new ReadOnlySpan<float>(V + ((long)(j0 + jj) * kvRow) + (kvh * hd), hd);
                    VectorOps.Zip(Level, new AxpyOp(p), vj, acc, acc);
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
