namespace Myelin.Memory.Retrieval;

/// <summary>Settings of <see cref="MemoryRetriever"/>.</summary>
public sealed class MemoryRetrieverOptions
{
    /// <summary>How many candidates each of BM25 and vector search contributes (default 50).</summary>
    public int Candidates { get; set; } = 50;

    /// <summary>The reciprocal rank fusion constant k in 1/(k + rank) (default 60).</summary>
    public int RrfK { get; set; } = 60;

    /// <summary>Weight of the BM25 list (default 1).</summary>
    public double TextWeight { get; set; } = 1.0;

    /// <summary>Weight of the vector list (default 1).</summary>
    public double VectorWeight { get; set; } = 1.0;

    /// <summary>Weight of the recency order of the candidates (default 0.3).</summary>
    public double RecencyWeight { get; set; } = 0.3;

    /// <summary>Weight of the importance order of the candidates (default 0.2).</summary>
    public double ImportanceWeight { get; set; } = 0.2;

    /// <summary>Weight of the most-recently-replaced order of superseded candidates, for questions about the past
    /// (default 0.5).</summary>
    public double PastWeight { get; set; } = 0.5;

    /// <summary>Vectors per user from which the HNSW index replaces the exact scan of dense vectors (default 20,000).</summary>
    public int HnswThreshold { get; set; } = 20_000;

    /// <summary>Whether sparse vectors (at most a quarter of the dimensions set, like the built-in embedding's) are
    /// searched exactly through per-dimension posting lists instead of the dense scan and HNSW (default true).</summary>
    public bool SparseVectorSearch { get; set; } = true;

    /// <summary>Whether a recall counts an access of each hit (default true). The counts are written in the background,
    /// batched across recalls (see <see cref="MemoryRetriever.FlushAccessesAsync"/>).</summary>
    public bool RecordAccess { get; set; } = true;

    /// <summary>The clock; the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
