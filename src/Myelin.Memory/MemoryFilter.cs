namespace Myelin.Memory;

/// <summary>Which items of one user a list or search considers.</summary>
/// <remarks>
/// <see cref="ValidAt"/> and <see cref="KnownAt"/> together answer "what did we believe at time K about time V":
/// an item counts when it was recorded by <see cref="KnownAt"/>, and its valid-to is ignored when the store learned
/// it after <see cref="KnownAt"/>.
/// </remarks>
public sealed record MemoryFilter
{
    /// <summary>The user whose items to consider (required; the tenant is passed separately).</summary>
    public required string UserId { get; init; }

    /// <summary>Only items of this agent (or shared by all agents, with a null agent), when set.</summary>
    public string? AgentId { get; init; }

    /// <summary>Only items of this session, when set.</summary>
    public string? SessionId { get; init; }

    /// <summary>Only these kinds, when set and not empty.</summary>
    public IReadOnlyList<MemoryKind>? Kinds { get; init; }

    /// <summary>Only items true at this time (valid-time "as of"), when set.</summary>
    public DateTimeOffset? ValidAt { get; init; }

    /// <summary>Only items the store knew at this time (transaction-time "as of"), when set.</summary>
    public DateTimeOffset? KnownAt { get; init; }

    /// <summary>Only items whose valid-from is at or after this time, when set.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only items whose valid-from is before this time, when set.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only superseded items (true: closed or replaced) or only current ones (false), when set.</summary>
    public bool? Superseded { get; init; }

    /// <summary>Most items to return.</summary>
    public int Limit { get; init; } = 100;
}
