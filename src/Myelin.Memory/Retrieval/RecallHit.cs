namespace Myelin.Memory.Retrieval;

/// <summary>One recalled memory.</summary>
/// <param name="Item">The memory.</param>
/// <param name="Score">Its fused reciprocal-rank score; higher is better.</param>
/// <param name="Superseded">Whether something newer replaced its content (at the request's time).</param>
/// <param name="TextRank">Its 1-based rank in the BM25 list, or null when it was not in it.</param>
/// <param name="VectorRank">Its 1-based rank in the vector list, or null when it was not in it.</param>
/// <param name="Neighbours">For an episode, the turns just before and after it in its session, in order.</param>
public sealed record RecallHit(
    MemoryItem Item,
    double Score,
    bool Superseded,
    int? TextRank,
    int? VectorRank,
    IReadOnlyList<MemoryItem> Neighbours);
