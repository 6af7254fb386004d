using System.Text.Json;

namespace Myelin.Server.Endpoints;

/// <summary>One record as sent to <c>POST /api/log</c>.</summary>
/// <param name="Kind">The record kind.</param>
/// <param name="Payload">Any JSON value.</param>
/// <param name="Timestamp">When it happened (ISO 8601); the server's time when absent.</param>
/// <param name="TraceId">Optional trace id.</param>
/// <param name="SessionId">Optional session id.</param>
/// <param name="EpisodeId">Optional episode id.</param>
/// <param name="IdempotencyKey">Optional key: a retry with the same key is stored once.</param>
public sealed record LogRecordInput(
    string Kind, JsonElement Payload, DateTimeOffset? Timestamp, string? TraceId, string? SessionId, string? EpisodeId, string? IdempotencyKey);

/// <summary>The outcome of one appended record.</summary>
/// <param name="Offset">Its offset in the tenant's log.</param>
/// <param name="Duplicate">True when its idempotency key had been stored before.</param>
public sealed record LogAppendItem(long Offset, bool Duplicate);

/// <summary>The answer to <c>POST /api/log</c>.</summary>
/// <param name="Results">One item per input record, in order.</param>
public sealed record LogAppendResponse(IReadOnlyList<LogAppendItem> Results);

/// <summary>A stored record as returned by <c>GET /api/log</c>.</summary>
/// <param name="Offset">Offset in the tenant's log.</param>
/// <param name="Kind">Kind.</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="RecordedAt">When it was stored.</param>
/// <param name="TraceId">Trace id.</param>
/// <param name="SessionId">Session id.</param>
/// <param name="EpisodeId">Episode id.</param>
/// <param name="IdempotencyKey">Idempotency key.</param>
/// <param name="Payload">The JSON payload.</param>
public sealed record LogRecordOutput(
    long Offset,
    string Kind,
    DateTimeOffset Timestamp,
    DateTimeOffset RecordedAt,
    string? TraceId,
    string? SessionId,
    string? EpisodeId,
    string? IdempotencyKey,
    JsonElement Payload);

/// <summary>A page of records.</summary>
/// <param name="Records">The records.</param>
/// <param name="Next">The cursor for the next page (pass as <c>after</c>, or as <c>before</c> when reading newest first), or null at the end.</param>
public sealed record LogPage(IReadOnlyList<LogRecordOutput> Records, long? Next);
