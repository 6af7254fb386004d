namespace Myelin.Memory.Retrieval;

/// <summary>What to recall for one user.</summary>
/// <param name="UserId">The user whose memories to search.</param>
/// <param name="Query">The question or context to find memories for.</param>
public sealed record RecallRequest(string UserId, string Query)
{
    /// <summary>Only this agent's memories and those shared by all agents, when set.</summary>
    public string? AgentId { get; init; }

    /// <summary>Only this session's memories, when set.</summary>
    public string? SessionId { get; init; }

    /// <summary>Only these kinds, when set and not empty.</summary>
    public IReadOnlyList<MemoryKind>? Kinds { get; init; }

    /// <summary>Answer as of this time: only items true then, and "superseded" judged at that time.</summary>
    public DateTimeOffset? ValidAt { get; init; }

    /// <summary>Only items whose valid-from is at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only items whose valid-from is before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>How many hits to return (1 to 100; default 10).</summary>
    public int Limit { get; init; } = 10;

    /// <summary>How many turns before and after each episode hit to attach as context (0 to 5; default 1).</summary>
    public int NeighbourTurns { get; init; } = 1;

    /// <summary>Whether superseded items rank with current ones; null decides from the query's wording ("used to",
    /// "before", "previously" ...).</summary>
    public bool? AboutThePast { get; init; }
}
