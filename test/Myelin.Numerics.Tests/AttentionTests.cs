namespace Myelin.Numerics;

public class AttentionTests
{
    public static TheoryData<string> AllNames => new() { "reference", "simd-512", "simd-256", "simd-128", "simd-scalar" };

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Attention_matches_float64_reference_with_gqa_and_cache_offsets(string name)
    {
        IKernels k = Kernels.Create(name);
        var cases = new[]
        {
            new AttentionShape(1, 1, 1, 1, 4),
            new AttentionShape(5, 5, 4, 2, 16),
            new AttentionShape(7, 7, 6, 3, 33, Causal: false),
            new AttentionShape(1, 130, 8, 2, 64),              // decoding one token against a cache of 129
            new AttentionShape(3, 70, 4, 1, 32),               // three new tokens after 67 cached
            new AttentionShape(4, 200, 2, 2, 8, QueryOffset: 50, Scale: 0.3f),
        };
        ulong seed = 1;
        foreach (AttentionShape s in cases)
        {
            float[] q = TestData.Random(s.QueryLength * s.Heads * s.HeadDim, seed++);
            float[] kk = TestData.Random(s.KvLength * s.KvHeads * s.HeadDim, seed++);
            float[] v = TestData.Random(s.KvLength * s.KvHeads * s.HeadDim, seed++);
            float[] actual = new float[q.Length];
            k.Attention(q, kk, v, s, actual);
            double[] expected = Naive(q, kk, v, s);
            for (int i = 0; i < actual.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-5 + (2e-5 * Math.Abs(expected[i])), $"{s} [{i}] {expected[i]} vs {actual[i]}");
            }
        }
    }

    private static double[] Naive(float[] q, float[] k, float[] v, AttentionShape s)
    {
        int hd = s.HeadDim;
        var output = new double[q.Length];
        for (int t = 0; t < s.QueryLength; t++)
        {
            for (int h = 0; h < s.Heads; h++)
            {
                int kvh = h / (s.Heads / s.KvHeads);
                int visible = s.Causal ? Math.Min(s.KvLength, s.EffectiveQueryOffset + t + 1) : s.KvLength;
                var scores = new double[visible];
                for (int j = 0; j < visible; j++)
                {
                    double dot = 0;
                    for (int d = 0; d < hd; d++)
                    {
                        dot += (double)q[(((t * s.Heads) + h) * hd) + d] * k[(((j * s.KvHeads) + kvh) * hd) + d];
                    }

                    scores[j] = dot * s.EffectiveScale;
                }

                double max = scores.Length == 0 ? 0 : scores.Max();
                double sum = scores.Sum(x => Math.Exp(x - max));
                for (int j = 0; j < visible; j++)
                {
                    double p = Math.Exp(scores[j] - max) / sum;
                    for (int d = 0; d < hd; d++)
                    {
                        output[(((t * s.Heads) + h) * hd) + d] += p * v[(((j * s.KvHeads) + kvh) * hd) + d];
                    }
                }
            }
        }

        return output;
    }
}
