namespace Myelin.Memory.Ingest;

/// <summary>Counters of an ingestor since it started.</summary>
/// <param name="TurnsStored">Turns stored as episodes.</param>
/// <param name="JobsPending">Extraction jobs queued or running.</param>
/// <param name="JobsCompleted">Extraction jobs finished (including quarantined and failed ones).</param>
/// <param name="MemoriesAdded">Items added by consolidation.</param>
/// <param name="MemoriesUpdated">Items that refined an older one.</param>
/// <param name="MemoriesInvalidated">Items that contradicted an older one.</param>
/// <param name="MemoriesUnchanged">Restatements (no-ops).</param>
/// <param name="Quarantined">Extractor outputs quarantined as invalid.</param>
/// <param name="Failed">Jobs that failed with an error; their turns were quarantined with the error.</param>
public sealed record IngestStatistics(
    long TurnsStored,
    long JobsPending,
    long JobsCompleted,
    long MemoriesAdded,
    long MemoriesUpdated,
    long MemoriesInvalidated,
    long MemoriesUnchanged,
    long Quarantined,
    long Failed);
