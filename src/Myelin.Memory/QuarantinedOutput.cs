namespace Myelin.Memory;

/// <summary>An extractor output that stayed invalid after every retry, kept for inspection instead of dropped.</summary>
/// <param name="UserId">The user whose turns were being extracted.</param>
/// <param name="At">When it was quarantined.</param>
/// <param name="Extractor">The extractor's name.</param>
/// <param name="Attempts">How many attempts were made.</param>
/// <param name="Error">Why the last output was rejected.</param>
/// <param name="Output">The last raw output (truncated to 16 KiB).</param>
/// <param name="SourceOffsets">Experience-log offsets of the turns that were being extracted.</param>
public sealed record QuarantinedOutput(
    string UserId,
    DateTimeOffset At,
    string Extractor,
    int Attempts,
    string Error,
    string Output,
    IReadOnlyList<long> SourceOffsets);
