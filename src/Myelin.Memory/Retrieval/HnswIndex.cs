using System.Numerics.Tensors;

namespace Myelin.Memory.Retrieval;

/// <summary>An HNSW graph (Malkov and Yashunin, 2016) over unit vectors for approximate nearest-neighbour search by
/// cosine similarity.</summary>
/// <remarks>
/// <para>Nodes are numbered in insertion order and hold their vector by reference (the caller must not change it).
/// Levels come from a seeded generator, so the same inserts build the same graph. Neighbours are chosen with the
/// paper's diversity heuristic and pruned to <c>M</c> (<c>2M</c> on level 0).</para>
/// <para>Not thread-safe: guard <see cref="Add"/> against concurrent <see cref="Search"/> with a reader/writer lock.</para>
/// </remarks>
public sealed class HnswIndex
{
    private readonly int _m;
    private readonly int _efConstruction;
    private readonly double _levelScale;
    private readonly Random _random;
    private readonly List<float[]> _vectors = [];
    private readonly List<List<int>[]> _links = [];
    private int _entry = -1;
    private int _topLevel = -1;

    /// <summary>Creates an empty index.</summary>
    /// <param name="m">Links per node above level 0 (level 0 keeps twice as many).</param>
    /// <param name="efConstruction">Candidate list size while inserting.</param>
    /// <param name="seed">Seed of the level generator.</param>
    public HnswIndex(int m = 16, int efConstruction = 100, int seed = 42)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(efConstruction, m);
        _m = m;
        _efConstruction = efConstruction;
        _levelScale = 1 / Math.Log(m);
        _random = new Random(seed);
    }

    /// <summary>The number of vectors in the index.</summary>
    public int Count => _vectors.Count;

    /// <summary>Adds a unit vector; its node number is the previous <see cref="Count"/>.</summary>
    public void Add(float[] vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        int node = _vectors.Count;
        int level = (int)(-Math.Log(1 - _random.NextDouble()) * _levelScale);
        _vectors.Add(vector);
        var links = new List<int>[level + 1];
        for (int l = 0; l <= level; l++)
        {
            links[l] = new List<int>(l == 0 ? 2 * _m : _m);
        }

        _links.Add(links);
        if (_entry < 0)
        {
            _entry = node;
            _topLevel = level;
            return;
        }

        int current = _entry;
        for (int l = _topLevel; l > level; l--)
        {
            current = Greedy(vector, current, l);
        }

        for (int l = Math.Min(level, _topLevel); l >= 0; l--)
        {
            List<ScoredVector> candidates = SearchLayer(vector, current, _efConstruction, l);
            int max = l == 0 ? 2 * _m : _m;
            foreach (int c in SelectNeighbours(vector, candidates.Select(c => c.Index), _m))
            {
                links[l].Add(c);
                List<int> back = _links[c][l];
                back.Add(node);
                if (back.Count > max)
                {
                    Prune(c, back, max);
                }
            }

            current = candidates[0].Index;
        }

        if (level > _topLevel)
        {
            _topLevel = level;
            _entry = node;
        }
    }

    /// <summary>The approximately <paramref name="k"/> most similar nodes to <paramref name="query"/>, best first.</summary>
    /// <param name="query">A unit vector.</param>
    /// <param name="k">How many results.</param>
    /// <param name="ef">Candidate list size (at least <paramref name="k"/>); larger is slower and more exact.</param>
    public IReadOnlyList<ScoredVector> Search(ReadOnlySpan<float> query, int k, int ef)
    {
        if (_entry < 0 || k <= 0)
        {
            return [];
        }

        float[] q = query.ToArray();
        int current = _entry;
        for (int l = _topLevel; l > 0; l--)
        {
            current = Greedy(q, current, l);
        }

        List<ScoredVector> found = SearchLayer(q, current, Math.Max(ef, k), 0);
        return found.Count > k ? found.GetRange(0, k) : found;
    }

    private int Greedy(float[] query, int start, int level)
    {
        int current = start;
        float best = Similarity(query, current);
        bool improved = true;
        while (improved)
        {
            improved = false;
            foreach (int n in _links[current][level])
            {
                float s = Similarity(query, n);
                if (s > best)
                {
                    best = s;
                    current = n;
                    improved = true;
                }
            }
        }

        return current;
    }

    // Beam search on one level: candidates to expand (best first) and the ef best results found (worst on top).
    private List<ScoredVector> SearchLayer(float[] query, int entry, int ef, int level)
    {
        var visited = new HashSet<int> { entry };
        float entrySimilarity = Similarity(query, entry);
        var toExpand = new PriorityQueue<int, float>();
        var results = new PriorityQueue<int, float>();
        toExpand.Enqueue(entry, -entrySimilarity);
        results.Enqueue(entry, entrySimilarity);
        while (toExpand.TryDequeue(out int node, out float negSimilarity))
        {
            results.TryPeek(out _, out float worst);
            if (-negSimilarity < worst && results.Count >= ef)
            {
                break;
            }

            foreach (int n in _links[node][level])
            {
                if (!visited.Add(n))
                {
                    continue;
                }

                float s = Similarity(query, n);
                results.TryPeek(out _, out worst);
                if (results.Count < ef || s > worst)
                {
                    toExpand.Enqueue(n, -s);
                    results.Enqueue(n, s);
                    if (results.Count > ef)
                    {
                        results.Dequeue();
                    }
                }
            }
        }

        var list = new List<ScoredVector>(results.Count);
        while (results.TryDequeue(out int node, out float s))
        {
            list.Add(new ScoredVector(node, s));
        }

        list.Reverse();
        return list;
    }

    private void Prune(int node, List<int> links, int max)
    {
        float[] v = _vectors[node];
        links.Sort((a, b) => Similarity(v, b).CompareTo(Similarity(v, a)));
        List<int> kept = SelectNeighbours(v, links, max);
        links.Clear();
        links.AddRange(kept);
    }

    // The paper's neighbour-selection heuristic (algorithm 4): take candidates best first, but skip one that is closer
    // to an already chosen neighbour than to the base. Links then spread in different directions instead of piling
    // into one cluster, which matters when many vectors are near-duplicates (repeated phrases in conversations).
    private List<int> SelectNeighbours(float[] baseVector, IEnumerable<int> bestFirst, int max)
    {
        var chosen = new List<int>(max);
        foreach (int c in bestFirst)
        {
            if (chosen.Count >= max)
            {
                break;
            }

            float toBase = TensorPrimitives.Dot(baseVector, _vectors[c]);
            bool diverse = true;
            foreach (int other in chosen)
            {
                if (TensorPrimitives.Dot(_vectors[c], _vectors[other]) > toBase)
                {
                    diverse = false;
                    break;
                }
            }

            if (diverse)
            {
                chosen.Add(c);
            }
        }

        return chosen;
    }

    private float Similarity(float[] query, int node) => TensorPrimitives.Dot(query, _vectors[node]);
}
