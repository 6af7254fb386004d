namespace Myelin.Memory.Ingest;

/// <summary>Settings of <see cref="MemoryIngestor"/>.</summary>
public sealed class MemoryIngestorOptions
{
    /// <summary>Most turns accepted in one call (default 1,000).</summary>
    public int MaxTurnsPerCall { get; set; } = 1_000;

    /// <summary>Extraction jobs that may wait before <see cref="MemoryIngestor.RememberAsync"/> waits for room
    /// (default 10,000).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>The clock; the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
