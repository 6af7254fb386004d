using System.Numerics.Tensors;

namespace Myelin.Memory.Retrieval;

public sealed class VectorSearchTests
{
    private static float[][] RandomUnitVectors(int count, int dims, int seed)
    {
        var random = new Random(seed);
        var vectors = new float[count][];
        for (int i = 0; i < count; i++)
        {
            var v = new float[dims];
            for (int d = 0; d < dims; d++)
            {
                v[d] = (float)((random.NextDouble() * 2) - 1);
            }

            TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
            vectors[i] = v;
        }

        return vectors;
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 5)]
    [InlineData(37, 5)]
    [InlineData(500, 10)]
    public void Exact_search_matches_a_sorted_scan(int count, int k)
    {
        float[][] vectors = RandomUnitVectors(count, 33, 7);
        float[] query = RandomUnitVectors(1, 33, 8)[0];
        float[] matrix = [.. vectors.SelectMany(v => v)];

        ScoredVector[] top = ExactVectorSearch.TopK(matrix, count, query, k);

        int[] expected = [.. Enumerable.Range(0, count).OrderByDescending(i => TensorPrimitives.Dot(vectors[i], query)).Take(k)];
        Assert.Equal(expected, top.Select(t => t.Index));
        Assert.All(top, t => Assert.Equal(TensorPrimitives.Dot(vectors[t.Index], query), t.Similarity, 5));
    }

    [Fact]
    public void Hnsw_recall_at_10_against_exact_is_high()
    {
        float[][] vectors = RandomUnitVectors(3000, 48, 11);
        float[][] queries = RandomUnitVectors(50, 48, 12);
        float[] matrix = [.. vectors.SelectMany(v => v)];
        var index = new HnswIndex(seed: 3);
        foreach (float[] v in vectors)
        {
            index.Add(v);
        }

        double found = 0;
        foreach (float[] q in queries)
        {
            var exact = ExactVectorSearch.TopK(matrix, vectors.Length, q, 10).Select(s => s.Index).ToHashSet();
            found += index.Search(q, 10, 96).Count(s => exact.Contains(s.Index));
        }

        Assert.Equal(3000, index.Count);
        Assert.True(found / (queries.Length * 10) >= 0.9, $"HNSW recall@10 was {found / (queries.Length * 10):F3}");
    }

    [Fact]
    public void Hnsw_on_an_empty_index_finds_nothing()
    {
        Assert.Empty(new HnswIndex().Search(new float[4], 5, 10));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 5)]
    [InlineData(300, 10)]
    public void Sparse_search_ranks_like_the_exact_scan(int count, int k)
    {
        // Sparse vectors: 6 of 96 dimensions set, so rows overlap in some dimensions and are orthogonal in others.
        var random = new Random(11);
        float[][] vectors = [.. Enumerable.Range(0, count + 1).Select(_ =>
        {
            var v = new float[96];
            for (int j = 0; j < 6; j++)
            {
                v[random.Next(96)] = (float)((random.NextDouble() * 2) - 1);
            }

            TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
            return v;
        })];
        float[] query = vectors[^1];
        var sparse = new SparseVectorSearch(96);
        foreach (float[] v in vectors[..^1])
        {
            sparse.Add(v);
        }

        ScoredVector[] top = sparse.TopK(query, k);
        ScoredVector[] exact = ExactVectorSearch.TopK([.. vectors[..^1].SelectMany(v => v)], count, query, k);

        Assert.Equal(count, sparse.Count);
        Assert.Equal(exact.Length, top.Length);
        for (int i = 0; i < top.Length; i++)
        {
            Assert.Equal(exact[i].Similarity, top[i].Similarity, 5);
        }

        Assert.True(SparseVectorSearch.Density(vectors, 96) <= 6 / 96.0);
    }
}
