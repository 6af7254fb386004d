namespace Myelin.Core.Log;

/// <summary>A record to append to the experience log.</summary>
/// <param name="Kind">One of <see cref="ExperienceKinds"/> or a custom <c>x.</c> kind.</param>
/// <param name="PayloadJson">The record's body: any JSON value, at most <see cref="ExperienceRecordRules.MaxPayloadBytes"/> bytes.</param>
/// <param name="Timestamp">When the event happened; the log uses the time of append when null.</param>
/// <param name="TraceId">Optional trace id (W3C 32 hex chars or any id up to 128 chars).</param>
/// <param name="SessionId">Optional session id.</param>
/// <param name="EpisodeId">Optional episode id.</param>
/// <param name="IdempotencyKey">Optional key: a retried append with the same key (in the same tenant) is stored once.</param>
public sealed record NewExperienceRecord(
    string Kind,
    string PayloadJson,
    DateTimeOffset? Timestamp = null,
    string? TraceId = null,
    string? SessionId = null,
    string? EpisodeId = null,
    string? IdempotencyKey = null);
