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

    /// <summary>
    /// Shapes aimed at the tiled kernel: tiles of up to 32 rows (tokens x the heads of one GQA group) that end part way,
    /// key blocks of 64 that end part way, causal limits that differ between the rows of one tile, a prefill chunk
    /// that continues a cached prefix, GQA groups 1/2/4/8, head dims that are not a multiple of any vector width, and
    /// one query against a long cache. Each case runs on every SIMD path against a float64 reference.
    /// </summary>
    public static TheoryData<string, int, int, int, int, int, bool, int> TiledShapes()
    {
        var data = new TheoryData<string, int, int, int, int, int, bool, int>();
        (int Tq, int Tkv, int H, int Hkv, int D, bool Causal, int Offset)[] shapes =
        [
            (1, 1, 8, 4, 64, true, -1),        // one key
            (63, 63, 8, 4, 64, true, -1),      // prefill, one partial key block, 16-token tiles + a partial one
            (65, 65, 8, 4, 64, true, -1),      // one key into the second block
            (130, 130, 4, 4, 64, true, -1),    // group 1: 32-token tiles across three key blocks
            (37, 137, 8, 2, 64, true, -1),     // group 4: a 37-token chunk continuing a 100-token prefix
            (20, 150, 8, 1, 64, true, 30),     // group 8: a chunk at position 30 while the cache already holds 150 keys
            (33, 100, 8, 8, 128, true, -1),    // head dim 128
            (19, 83, 6, 3, 40, true, -1),      // head dim 40: a vector tail of 8 (512-bit) and a scalar one nowhere else
            (11, 70, 4, 2, 72, false, -1),     // head dim 72, no mask, several tiles all seeing every key
            (9, 9, 2, 1, 3, true, -1),         // head dim 3: narrower than every vector
            (5, 3, 4, 2, 16, true, -1),        // more queries than keys: the first rows see no key at all
            (3, 40, 2, 1, 264, true, -1),      // head dim over 256: the transpose buffer is rented
            (1, 3000, 8, 4, 64, true, -1),     // decode against a long cache
            (1, 1000, 32, 4, 64, true, -1),    // decode, group 8
        ];
        foreach (string name in TestData.SimdNames)
        {
            foreach ((int tq, int tkv, int h, int hkv, int d, bool causal, int offset) in shapes)
            {
                data.Add(name, tq, tkv, h, hkv, d, causal, offset);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TiledShapes))]
    public void Tiled_attention_matches_float64_reference(string name, int tq, int tkv, int h, int hkv, int d, bool causal, int offset)
    {
        IKernels k = Kernels.Create(name);
        var s = new AttentionShape(tq, tkv, h, hkv, d, causal, offset);
        ulong seed = (ulong)((tq * 7919) + (tkv * 31) + (h * 7) + d);

        // Queries scaled up so the softmax is peaked and its running max moves between key blocks, which is what
        // the rescaling of the accumulators has to get right.
        float[] q = TestData.Random(tq * h * d, seed, scale: 3f);
        float[] kk = TestData.Random(tkv * hkv * d, seed + 1);
        float[] v = TestData.Random(tkv * hkv * d, seed + 2);
        float[] actual = new float[q.Length];
        actual.AsSpan().Fill(float.NaN);
        k.Attention(q, kk, v, s, actual);
        double[] expected = Naive(q, kk, v, s);
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 5e-5 + (5e-5 * Math.Abs(expected[i])), $"{s} [{i}] {expected[i]} vs {actual[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Each_query_sees_only_keys_up_to_its_own_position(string name)
    {
        // A value that only key j carries: output row t must be a mix of keys 0..offset+t, so its component j is
        // exactly 0 for every later key. A tile that shared one causal limit across its rows would leak them.
        IKernels k = Kernels.Create(name);
        const int Tq = 40, Tkv = 90, H = 4, Hkv = 2, D = 128;
        var s = new AttentionShape(Tq, Tkv, H, Hkv, D);
        float[] q = TestData.Random(Tq * H * D, 11);
        float[] kk = TestData.Random(Tkv * Hkv * D, 12);
        float[] v = new float[Tkv * Hkv * D];
        for (int j = 0; j < Tkv; j++)
        {
            for (int g = 0; g < Hkv; g++)
            {
                v[(((j * Hkv) + g) * D) + j] = 1f;
            }
        }

        float[] output = new float[q.Length];
        k.Attention(q, kk, v, s, output);
        for (int t = 0; t < Tq; t++)
        {
            int visible = s.EffectiveQueryOffset + t + 1;
            for (int head = 0; head < H; head++)
            {
                ReadOnlySpan<float> row = output.AsSpan(((t * H) + head) * D, D);
                double total = 0;
                for (int j = 0; j < Tkv; j++)
                {
                    if (j >= visible)
                    {
                        Assert.Equal(0f, row[j]);
                    }
                    else
                    {
                        Assert.True(row[j] > 0f, $"query {t} head {head}: key {j} has weight {row[j]}");
                        total += row[j];
                    }
                }

                Assert.True(Math.Abs(total - 1) < 1e-4, $"query {t} head {head}: weights sum to {total}");
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
                int visible = s.Causal ? Math.Clamp(s.EffectiveQueryOffset + t + 1, 0, s.KvLength) : s.KvLength;
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
