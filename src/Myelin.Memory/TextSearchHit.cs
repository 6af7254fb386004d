namespace Myelin.Memory;

/// <summary>An item found by full-text search.</summary>
/// <param name="Sequence">The item's store sequence.</param>
/// <param name="Id">The item id.</param>
/// <param name="Score">BM25 relevance; higher is better.</param>
public readonly record struct TextSearchHit(long Sequence, string Id, double Score);
