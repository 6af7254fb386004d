using System.Buffers;

namespace Myelin.Memory.Retrieval;

/// <summary>Exact top-k by dot product over vectors stored as per-dimension posting lists (the non-zero entries of
/// every vector, grouped by dimension): a query touches only the postings of its own non-zero dimensions.</summary>
/// <remarks>
/// <para>For sparse vectors, such as the built-in hashed n-gram embedding (about 40 of 384 dimensions set), this
/// reads about a tenth of what a dense scan reads and gives the same ranking as <see cref="ExactVectorSearch"/>
/// (up to float rounding in the order of additions). Dense vectors make it slower than the dense scan, so the caller
/// chooses it only for sparse data.</para>
/// <para>Not thread-safe: guard <see cref="Add"/> against concurrent <see cref="TopK"/> with a reader/writer lock.</para>
/// </remarks>
public sealed class SparseVectorSearch
{
    private readonly int[][] _rows;
    private readonly float[][] _values;
    private readonly int[] _lengths;

    /// <summary>Creates an empty index of <paramref name="dimensions"/>-dimensional vectors.</summary>
    public SparseVectorSearch(int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        Dimensions = dimensions;
        _rows = new int[dimensions][];
        _values = new float[dimensions][];
        _lengths = new int[dimensions];
        for (int d = 0; d < dimensions; d++)
        {
            _rows[d] = new int[16];
            _values[d] = new float[16];
        }
    }

    /// <summary>The number of dimensions.</summary>
    public int Dimensions { get; }

    /// <summary>The number of vectors added.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a vector ([dimensions]); its row number is the previous <see cref="Count"/>.</summary>
    public void Add(ReadOnlySpan<float> vector)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(vector.Length, Dimensions, nameof(vector));
        int row = Count;
        for (int d = 0; d < vector.Length; d++)
        {
            if (vector[d] == 0)
            {
                continue;
            }

            int n = _lengths[d];
            if (n == _rows[d].Length)
            {
                Array.Resize(ref _rows[d], n * 2);
                Array.Resize(ref _values[d], n * 2);
            }

            _rows[d][n] = row;
            _values[d][n] = vector[d];
            _lengths[d] = n + 1;
        }

        Count = row + 1;
    }

    /// <summary>The <paramref name="k"/> rows most similar to <paramref name="query"/>, best first; ties go to the
    /// lower row.</summary>
    public ScoredVector[] TopK(ReadOnlySpan<float> query, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(query.Length, Dimensions, nameof(query));
        int count = Count;
        if (Math.Min(k, count) <= 0)
        {
            return [];
        }

        float[] scores = ArrayPool<float>.Shared.Rent(count);
        try
        {
            Array.Clear(scores, 0, count);
            for (int d = 0; d < query.Length; d++)
            {
                float q = query[d];
                if (q == 0)
                {
                    continue;
                }

                int[] rows = _rows[d];
                float[] values = _values[d];
                int n = _lengths[d];
                for (int j = 0; j < n; j++)
                {
                    scores[rows[j]] += q * values[j];
                }
            }

            return ExactVectorSearch.TopKOfScores(scores.AsSpan(0, count), k);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    /// <summary>The average number of non-zero entries per vector, as a fraction of <paramref name="dimensions"/>.</summary>
    public static double Density(IEnumerable<float[]> vectors, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        long nonZero = 0;
        long total = 0;
        foreach (float[] v in vectors)
        {
            foreach (float x in v)
            {
                nonZero += x != 0 ? 1 : 0;
            }

            total += dimensions;
        }

        return total == 0 ? 1 : nonZero / (double)total;
    }
}
