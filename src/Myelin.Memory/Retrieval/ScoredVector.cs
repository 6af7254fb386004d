namespace Myelin.Memory.Retrieval;

/// <summary>A vector search result.</summary>
/// <param name="Index">The row index in the searched collection.</param>
/// <param name="Similarity">Cosine similarity (dot product of unit vectors).</param>
public readonly record struct ScoredVector(int Index, float Similarity);
