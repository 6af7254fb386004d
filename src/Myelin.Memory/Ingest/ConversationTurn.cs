namespace Myelin.Memory.Ingest;

/// <summary>A conversation turn to remember.</summary>
/// <param name="UserId">The end user the conversation is with.</param>
/// <param name="Role">Who spoke: <c>user</c>, <c>assistant</c>, <c>system</c> or <c>tool</c>.</param>
/// <param name="Text">What was said, verbatim (1 to 32,768 characters).</param>
public sealed record ConversationTurn(string UserId, string Role, string Text)
{
    /// <summary>The speaker's name, when known (indexed, so "what does Alice like" finds Alice's turns).</summary>
    public string? Speaker { get; init; }

    /// <summary>The agent in the conversation, if any.</summary>
    public string? AgentId { get; init; }

    /// <summary>The conversation session, if any (neighbouring-turn context works within a session).</summary>
    public string? SessionId { get; init; }

    /// <summary>When it was said; the time of ingest when null.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>A key that makes a retried ingest of the same turn store it once.</summary>
    public string? IdempotencyKey { get; init; }
}
