namespace Myelin.Memory.Ingest;

/// <summary>The outcome of remembering one turn.</summary>
/// <param name="Offset">The turn's offset in the tenant's experience log.</param>
/// <param name="EpisodeId">The episode item stored for it, or null when the turn was a duplicate.</param>
/// <param name="Duplicate">True when the idempotency key had been seen and nothing new was stored.</param>
public readonly record struct RememberedTurn(long Offset, string? EpisodeId, bool Duplicate);
