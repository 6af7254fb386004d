namespace Myelin.Core.Log;

/// <summary>A record stored in the experience log.</summary>
/// <param name="Tenant">The tenant that owns the record.</param>
/// <param name="Offset">The record's position in its tenant's log: 1, 2, 3, ... without gaps for acknowledged appends.</param>
/// <param name="Kind">The record kind.</param>
/// <param name="Timestamp">When the event happened.</param>
/// <param name="RecordedAt">When the log stored it.</param>
/// <param name="TraceId">Optional trace id.</param>
/// <param name="SessionId">Optional session id.</param>
/// <param name="EpisodeId">Optional episode id.</param>
/// <param name="IdempotencyKey">The idempotency key it was appended with, if any.</param>
/// <param name="PayloadJson">The record's JSON body, as appended.</param>
public sealed record ExperienceRecord(
    TenantId Tenant,
    long Offset,
    string Kind,
    DateTimeOffset Timestamp,
    DateTimeOffset RecordedAt,
    string? TraceId,
    string? SessionId,
    string? EpisodeId,
    string? IdempotencyKey,
    string PayloadJson);
