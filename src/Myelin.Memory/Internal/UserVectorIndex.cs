using Myelin.Memory.Retrieval;

namespace Myelin.Memory.Internal;

/// <summary>The in-memory vectors of one tenant+user, loaded from the store and extended as items arrive: a contiguous
/// matrix for exact SIMD search, plus an HNSW graph once the user has at least the threshold number of vectors.</summary>
internal sealed class UserVectorIndex(int dimensionsHint, int hnswThreshold)
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly List<string> _ids = [];
    private float[] _matrix = new float[Math.Max(1, dimensionsHint) * 64];
    private int _dimensions;
    private HnswIndex? _hnsw;

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
                }

                // A vector of another size (the embedding generator changed) cannot be compared; it is left out.
                if (v.Vector.Length == _dimensions)
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

            if (_hnsw is null && _ids.Count >= hnswThreshold)
            {
                _hnsw = new HnswIndex();
                for (int i = 0; i < _ids.Count; i++)
                {
                    _hnsw.Add(_matrix.AsSpan(i * _dimensions, _dimensions).ToArray());
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public List<(string Id, float Similarity)> Search(ReadOnlySpan<float> query, int k, bool exact)
    {
        _lock.EnterReadLock();
        try
        {
            var hits = new List<(string, float)>(k);
            if (_dimensions == 0 || query.Length != _dimensions)
            {
                return hits;
            }

            IReadOnlyList<ScoredVector> found = _hnsw is not null && !exact
                ? _hnsw.Search(query, k, Math.Max(96, 2 * k))
                : ExactVectorSearch.TopK(_matrix, _ids.Count, query, k);
            foreach (ScoredVector s in found)
            {
                hits.Add((_ids[s.Index], s.Similarity));
            }

            return hits;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }
}
