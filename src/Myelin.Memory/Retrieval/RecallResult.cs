namespace Myelin.Memory.Retrieval;

/// <summary>The outcome of a recall.</summary>
/// <param name="Hits">The memories, best first.</param>
/// <param name="AboutThePast">Whether superseded items were allowed to rank with current ones.</param>
/// <param name="UsedHnsw">Whether the vector list came from the approximate HNSW index rather than an exact scan.</param>
public sealed record RecallResult(IReadOnlyList<RecallHit> Hits, bool AboutThePast, bool UsedHnsw);
