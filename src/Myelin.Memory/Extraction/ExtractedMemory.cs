namespace Myelin.Memory.Extraction;

/// <summary>A memory an extractor found, before consolidation decides what to do with it.</summary>
/// <param name="Kind">Fact, preference, procedure or summary (never episode).</param>
/// <param name="Text">A short self-contained statement, naming the speaker ("Alice lives in Porto").</param>
/// <param name="Subject">The slot it fills (<c>location.home</c>), or null for free-form items.</param>
/// <param name="Value">The slot's value (<c>Porto</c>), when it has a subject.</param>
/// <param name="ValidFrom">When it became true, or null for the turn's time.</param>
/// <param name="Importance">0 to 1.</param>
/// <param name="SourceOffset">The log offset of the turn it came from.</param>
public sealed record ExtractedMemory(
    MemoryKind Kind,
    string Text,
    string? Subject,
    string? Value,
    DateTimeOffset? ValidFrom,
    float Importance,
    long SourceOffset);
