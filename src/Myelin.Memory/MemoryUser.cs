namespace Myelin.Memory;

/// <summary>A user that has memories in a tenant.</summary>
/// <param name="UserId">The user.</param>
/// <param name="ItemCount">How many items the user has (current and superseded).</param>
/// <param name="LastRecordedAt">When the user's newest item was recorded.</param>
public sealed record MemoryUser(string UserId, long ItemCount, DateTimeOffset LastRecordedAt);
