namespace Myelin.Server.Endpoints;

/// <summary>One turn as sent to <c>POST /api/memory/turns</c>.</summary>
/// <param name="UserId">The end user.</param>
/// <param name="Role"><c>user</c>, <c>assistant</c>, <c>system</c> or <c>tool</c>.</param>
/// <param name="Text">What was said.</param>
/// <param name="Speaker">The speaker's name, if known.</param>
/// <param name="AgentId">The agent, if any.</param>
/// <param name="SessionId">The session, if any.</param>
/// <param name="Timestamp">When it was said; the server's time when absent.</param>
/// <param name="IdempotencyKey">A retry with the same key is stored once.</param>
public sealed record MemoryTurnInput(
    string? UserId, string? Role, string? Text, string? Speaker, string? AgentId, string? SessionId, DateTimeOffset? Timestamp,
    string? IdempotencyKey);

/// <summary>The body of <c>POST /api/memory/turns</c>.</summary>
/// <param name="Turns">1 to 1,000 turns.</param>
public sealed record RememberTurnsRequest(IReadOnlyList<MemoryTurnInput>? Turns);

/// <summary>The outcome of one remembered turn.</summary>
/// <param name="Offset">Its offset in the tenant's experience log.</param>
/// <param name="EpisodeId">The episode stored for it (null for a duplicate).</param>
/// <param name="Duplicate">True when its idempotency key had been seen.</param>
public sealed record RememberedTurnOutput(long Offset, string? EpisodeId, bool Duplicate);

/// <summary>The answer to <c>POST /api/memory/turns</c>.</summary>
/// <param name="Turns">One result per input turn, in order.</param>
public sealed record RememberTurnsResponse(IReadOnlyList<RememberedTurnOutput> Turns);

/// <summary>The body of <c>POST /api/memory/recall</c>.</summary>
/// <param name="UserId">Whose memories to search.</param>
/// <param name="Query">What to find memories for.</param>
/// <param name="AgentId">Only this agent's (and shared) memories.</param>
/// <param name="SessionId">Only this session's memories.</param>
/// <param name="Kinds">Only these kinds (episode, fact, preference, procedure, summary).</param>
/// <param name="ValidAt">Answer as of this time.</param>
/// <param name="From">Only items valid from this time on.</param>
/// <param name="To">Only items valid from before this time.</param>
/// <param name="Limit">How many hits (1-100, default 10).</param>
/// <param name="NeighbourTurns">Turns of context before and after each episode hit (0-5, default 1).</param>
/// <param name="AboutThePast">Rank superseded items with current ones; decided from the query when absent.</param>
public sealed record RecallInput(
    string? UserId, string? Query, string? AgentId, string? SessionId, IReadOnlyList<string>? Kinds, DateTimeOffset? ValidAt,
    DateTimeOffset? From, DateTimeOffset? To, int? Limit, int? NeighbourTurns, bool? AboutThePast);

/// <summary>A memory item.</summary>
/// <param name="Id">Its id.</param>
/// <param name="UserId">Its user.</param>
/// <param name="AgentId">Its agent, if any.</param>
/// <param name="SessionId">Its session, if any.</param>
/// <param name="Kind">episode, fact, preference, procedure or summary.</param>
/// <param name="Text">Its text.</param>
/// <param name="Subject">The slot it fills, if any.</param>
/// <param name="Value">The slot's value, if any.</param>
/// <param name="Speaker">Who said it.</param>
/// <param name="ValidFrom">When it became true.</param>
/// <param name="ValidTo">When it stopped being true.</param>
/// <param name="RecordedAt">When it was stored.</param>
/// <param name="InvalidatedAt">When it was closed.</param>
/// <param name="SourceOffsets">Experience-log offsets of its source turns.</param>
/// <param name="Importance">0 to 1.</param>
/// <param name="AccessCount">How often recall returned it.</param>
/// <param name="Supersedes">The item it replaced.</param>
/// <param name="SupersededBy">The item that replaced it.</param>
public sealed record MemoryItemOutput(
    string Id, string UserId, string? AgentId, string? SessionId, string Kind, string Text, string? Subject, string? Value,
    string? Speaker, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo, DateTimeOffset RecordedAt, DateTimeOffset? InvalidatedAt,
    IReadOnlyList<long> SourceOffsets, float Importance, long AccessCount, string? Supersedes, string? SupersededBy);

/// <summary>One recalled memory.</summary>
/// <param name="Item">The memory.</param>
/// <param name="Score">Fused score, higher is better.</param>
/// <param name="Superseded">Whether something newer replaced it.</param>
/// <param name="TextRank">Its BM25 rank, if any.</param>
/// <param name="VectorRank">Its vector rank, if any.</param>
/// <param name="Neighbours">Neighbouring turns of an episode.</param>
public sealed record RecallHitOutput(
    MemoryItemOutput Item, double Score, bool Superseded, int? TextRank, int? VectorRank, IReadOnlyList<MemoryItemOutput> Neighbours);

/// <summary>The answer to <c>POST /api/memory/recall</c>.</summary>
/// <param name="Hits">Best first.</param>
/// <param name="AboutThePast">Whether superseded items ranked with current ones.</param>
public sealed record RecallOutput(IReadOnlyList<RecallHitOutput> Hits, bool AboutThePast);

/// <summary>A list of memory items.</summary>
/// <param name="Items">Newest valid-from first.</param>
public sealed record MemoryListOutput(IReadOnlyList<MemoryItemOutput> Items);

/// <summary>One event in an item's history.</summary>
/// <param name="At">When it was recorded.</param>
/// <param name="Action">added, reinforced, updated or invalidated.</param>
/// <param name="Text">The item's text then.</param>
/// <param name="ValidFrom">Valid-from after the event.</param>
/// <param name="ValidTo">Valid-to after the event.</param>
/// <param name="RelatedItemId">The other item involved.</param>
/// <param name="Reason">Why.</param>
public sealed record MemoryHistoryEntryOutput(
    DateTimeOffset At, string Action, string Text, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo, string? RelatedItemId, string? Reason);

/// <summary>An item with its history.</summary>
/// <param name="Item">The item now.</param>
/// <param name="History">Oldest first.</param>
public sealed record MemoryHistoryOutput(MemoryItemOutput Item, IReadOnlyList<MemoryHistoryEntryOutput> History);

/// <summary>A quarantined extractor output.</summary>
/// <param name="UserId">The user.</param>
/// <param name="At">When.</param>
/// <param name="Extractor">Which extractor.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="Error">Why it was rejected.</param>
/// <param name="Output">The raw output.</param>
/// <param name="SourceOffsets">The turns being extracted.</param>
public sealed record QuarantinedOutputDto(
    string UserId, DateTimeOffset At, string Extractor, int Attempts, string Error, string Output, IReadOnlyList<long> SourceOffsets);

/// <summary>The answer to <c>GET /api/memory/quarantine</c>.</summary>
/// <param name="Outputs">Newest first.</param>
public sealed record QuarantineListOutput(IReadOnlyList<QuarantinedOutputDto> Outputs);

/// <summary>The answer to <c>DELETE /api/memory/users/{userId}</c>.</summary>
/// <param name="Items">Items removed.</param>
/// <param name="HistoryEntries">History entries removed.</param>
/// <param name="QuarantinedOutputs">Quarantined outputs removed.</param>
/// <param name="LogRecordsRedacted">Experience-log records whose content was erased (the user's turns).</param>
/// <param name="AuditId">The audit record that remains (it holds a hash of the user id).</param>
public sealed record ForgetUserOutput(long Items, long HistoryEntries, long QuarantinedOutputs, long LogRecordsRedacted, string AuditId);
