namespace Myelin.Core.Log;

/// <summary>The outcome of appending one record.</summary>
/// <param name="Offset">The record's offset in its tenant's log.</param>
/// <param name="Duplicate">True when the idempotency key had been seen: nothing new was stored and the first offset is returned.</param>
public readonly record struct AppendResult(long Offset, bool Duplicate);
