namespace Myelin.Memory.Extraction;

/// <summary>What an extractor produced: memories, or a quarantined output when it could not produce valid ones.</summary>
/// <param name="Memories">The valid memories (empty when quarantined).</param>
/// <param name="Attempts">How many attempts were made.</param>
/// <param name="Quarantined">The output kept for inspection when every attempt was invalid, else null.</param>
public sealed record ExtractionOutcome(IReadOnlyList<ExtractedMemory> Memories, int Attempts, QuarantinedOutput? Quarantined);
