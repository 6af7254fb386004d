namespace Myelin.Memory.Extraction;

/// <summary>Finds facts, preferences and plans in conversation turns.</summary>
/// <remarks>Implementations are thread-safe. They never throw for bad model output: an output that stays invalid is
/// returned as <see cref="ExtractionOutcome.Quarantined"/> so the caller can keep it visible.</remarks>
public interface IMemoryExtractor
{
    /// <summary>A short name recorded in history and quarantine entries.</summary>
    string Name { get; }

    /// <summary>Extracts memories from the turns of one user.</summary>
    Task<ExtractionOutcome> ExtractAsync(ExtractionRequest request, CancellationToken cancellationToken = default);
}
