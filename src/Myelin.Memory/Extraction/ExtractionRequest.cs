namespace Myelin.Memory.Extraction;

/// <summary>Turns of one user to extract memories from.</summary>
/// <param name="Scope">Whose turns they are.</param>
/// <param name="Turns">The turns, in order.</param>
public sealed record ExtractionRequest(MemoryScope Scope, IReadOnlyList<ExtractionTurn> Turns);
