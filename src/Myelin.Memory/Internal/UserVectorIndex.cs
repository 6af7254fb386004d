using Myelin.Memory.Retrieval;

namespace Myelin.Memory.Internal;

/// <summary>The in-memory vectors of one tenant+user, loaded from the store and extended as items arrive. Sparse
/// vectors (at most a quarter of the dimensions set, judged on the first batch; the built-in embedding sets about a
/// tenth) go to per-dimension posting lists searched exactly (<see cref="SparseVectorSearch"/>). Dense vectors go to a
/// contiguous matrix for exact SIMD search, plus an HNSW graph once the user has at least the threshold number.</summary>
/// <remarks>The graph is built on a thread-pool thread from a snapshot, outside the lock (it takes seconds at 100k
/// vectors); searches stay exact until it is swapped in with the vectors that arrived meanwhile.</remarks>
internal sealed class UserVectorIndex(int dimensionsHint, int hnswThreshold, bool allowSparse)
{
    private const double SparseDensity = 0.25;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly List<string> _ids = [];
    private float[] _matrix = new float[Math.Max(1, dimensionsHint) * 64];
    private SparseVectorSearch? _sparse;
    private int _dimensions;
    private HnswIndex? _hnsw;
    private Task? _building;

    public long LastSequence { get; private set; }

    public SemaphoreSlim LoadLock { get; } = new(1, 1);

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _ids.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    public void Append(IReadOnlyList<StoredVector> vectors)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (StoredVector v in vectors)
            {
                if (_dimensions == 0)
                {
                    _dimensions = v.Vector.Length;
                    int d = _dimensions;
                    if (allowSparse && SparseVectorSearch.Density(vectors.Select(x => x.Vector).Where(x => x.Length == d), d) <= SparseDensity)
                    {
                        _sparse = new SparseVectorSearch(d);
                    }
                }

                // A vector of another size (the embedding generator changed) cannot be compared; it is left out.
                if (v.Vector.Length == _dimensions && _sparse is not null)
                {
                    _sparse.Add(v.Vector);
                    _ids.Add(v.Id);
                }
                else if (v.Vector.Length == _dimensions)
                {
                    int need = (_ids.Count + 1) * _dimensions;
                    if (_matrix.Length < need)
                    {
                        Array.Resize(ref _matrix, Math.Max(need, _matrix.Length * 2));
                    }

                    v.Vector.CopyTo(_matrix, _ids.Count * _dimensions);
                    _ids.Add(v.Id);
                    _hnsw?.Add(v.Vector);
                }

                LastSequence = v.Sequence;
            }

            if (_sparse is null && _hnsw is null && _building is null && _ids.Count >= hnswThreshold)
            {
                int count = _ids.Count;
                int dimensions = _dimensions;
                float[] snapshot = _matrix.AsSpan(0, count * dimensions).ToArray();
                _building = Task.Run(() => Build(snapshot, count, dimensions));
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Completes when a graph build that has started is done (for tests and benchmarks).</summary>
    public Task WhenGraphBuiltAsync() => Volatile.Read(ref _building) ?? Task.CompletedTask;

    public (List<(string Id, float Similarity)> Hits, bool UsedHnsw) Search(ReadOnlySpan<float> query, int k, bool exact)
    {
        _lock.EnterReadLock();
        try
        {
            var hits = new List<(string, float)>(k);
            if (_dimensions == 0 || query.Length != _dimensions)
            {
                return (hits, false);
            }

            bool useGraph = _hnsw is not null && !exact;
            IReadOnlyList<ScoredVector> found = useGraph ? _hnsw!.Search(query, k, Math.Max(96, 2 * k))
                : _sparse is not null ? _sparse.TopK(query, k)
                : ExactVectorSearch.TopK(_matrix, _ids.Count, query, k);
            foreach (ScoredVector s in found)
            {
                hits.Add((_ids[s.Index], s.Similarity));
            }

            return (hits, useGraph);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void Build(float[] snapshot, int count, int dimensions)
    {
        var graph = new HnswIndex();
        for (int i = 0; i < count; i++)
        {
            graph.Add(snapshot.AsSpan(i * dimensions, dimensions).ToArray());
        }

        _lock.EnterWriteLock();
        try
        {
            for (int i = count; i < _ids.Count; i++)
            {
                graph.Add(_matrix.AsSpan(i * dimensions, dimensions).ToArray());
            }

            _hnsw = graph;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }
}
