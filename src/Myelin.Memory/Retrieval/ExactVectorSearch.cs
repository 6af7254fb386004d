using System.Numerics.Tensors;

namespace Myelin.Memory.Retrieval;

/// <summary>Brute-force top-k over row-major unit vectors with SIMD dot products (<see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>).</summary>
/// <remarks>Exact: the reference that the HNSW index is measured against. Allocation: one array of k results.</remarks>
public static class ExactVectorSearch
{
    /// <summary>The <paramref name="k"/> rows of <paramref name="matrix"/> ([count, dimensions], row-major) most similar
    /// to <paramref name="query"/> ([dimensions]), best first; ties go to the lower index.</summary>
    public static ScoredVector[] TopK(ReadOnlySpan<float> matrix, int count, ReadOnlySpan<float> query, int k)
    {
        int dimensions = query.Length;
        ArgumentOutOfRangeException.ThrowIfLessThan(matrix.Length, count * dimensions, nameof(matrix));
        k = Math.Min(k, count);
        if (k <= 0)
        {
            return [];
        }

        // A min-heap of the best k so far: its root is the weakest kept result, replaced when a row beats it.
        var heap = new PriorityQueue<int, (float Similarity, int NegIndex)>(k);
        for (int row = 0; row < count; row++)
        {
            Offer(heap, k, row, TensorPrimitives.Dot(matrix.Slice(row * dimensions, dimensions), query));
        }

        return Drain(heap);
    }

    /// <summary>The <paramref name="k"/> highest of <paramref name="scores"/> ([count]) as (row, score), best first;
    /// ties go to the lower row.</summary>
    public static ScoredVector[] TopKOfScores(ReadOnlySpan<float> scores, int k)
    {
        k = Math.Min(k, scores.Length);
        if (k <= 0)
        {
            return [];
        }

        var heap = new PriorityQueue<int, (float Similarity, int NegIndex)>(k);
        for (int row = 0; row < scores.Length; row++)
        {
            Offer(heap, k, row, scores[row]);
        }

        return Drain(heap);
    }

    private static void Offer(PriorityQueue<int, (float Similarity, int NegIndex)> heap, int k, int row, float similarity)
    {
        if (heap.Count < k)
        {
            heap.Enqueue(row, (similarity, -row));
        }
        else if (heap.TryPeek(out _, out (float Similarity, int NegIndex) weakest) && similarity > weakest.Similarity)
        {
            heap.DequeueEnqueue(row, (similarity, -row));
        }
    }

    private static ScoredVector[] Drain(PriorityQueue<int, (float Similarity, int NegIndex)> heap)
    {
        var result = new ScoredVector[heap.Count];
        for (int i = result.Length - 1; i >= 0; i--)
        {
            heap.TryDequeue(out int row, out (float Similarity, int NegIndex) p);
            result[i] = new ScoredVector(row, p.Similarity);
        }

        return result;
    }
}
