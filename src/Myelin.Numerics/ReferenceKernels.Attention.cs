using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <content>Reference attention: full score row, stable softmax, weighted sum of values.</content>
public sealed partial class ReferenceKernels
{
    /// <inheritdoc />
    public void Attention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, in AttentionShape shape, Span<float> output)
    {
        KernelChecks.Attention(q.Length, k.Length, v.Length, shape, output.Length);
        int hd = shape.HeadDim;
        int group = shape.Heads / shape.KvHeads;
        int kvRow = shape.KvHeads * hd;
        float scale = shape.EffectiveScale;
        var scores = new float[shape.KvLength];
        for (int t = 0; t < shape.QueryLength; t++)
        {
            int visible = shape.Causal ? Math.Clamp(shape.EffectiveQueryOffset + t + 1, 0, shape.KvLength) : shape.KvLength;
            for (int h = 0; h < shape.Heads; h++)
            {
                ReadOnlySpan<float> qh = q.Slice(((t * shape.Heads) + h) * hd, hd);
                Span<float> oh = output.Slice(((t * shape.Heads) + h) * hd, hd);
                int kvh = h / group;
                float max = float.NegativeInfinity;
                for (int j = 0; j < visible; j++)
                {
                    ReadOnlySpan<float> kj = k.Slice((j * kvRow) + (kvh * hd), hd);
                    float dot = 0f;
                    for (int d = 0; d < hd; d++)
                    {
                        dot += qh[d] * kj[d];
                    }

                    scores[j] = dot * scale;
                    max = Math.Max(max, scores[j]);
                }

                float sum = 0f;
                for (int j = 0; j < visible; j++)
                {
                    scores[j] = MathF.Exp(scores[j] - max);
                    sum += scores[j];
                }

                oh.Clear();
                for (int j = 0; j < visible; j++)
                {
                    ReadOnlySpan<float> vj = v.Slice((j * kvRow) + (kvh * hd), hd);
                    float p = scores[j] / sum;
                    for (int d = 0; d < hd; d++)
                    {
                        oh[d] += p * vj[d];
                    }
                }
            }
        }
    }
}
