namespace Myelin.Core.Log;

/// <summary>The append-only experience log: the spine every other room reads from.</summary>
/// <remarks>
/// <para>Implementations are thread-safe. Each tenant has its own offset sequence starting at 1 that grows by one per
/// stored record, so a consumer can resume from the last offset it processed.</para>
/// <para>An append is durable when its task completes: a crash after that never loses it, and a crash before
/// it leaves none of the batch visible. A batch is validated whole (<see cref="ExperienceRecordRules"/>) before anything is written.</para>
/// <para>Every call is scoped by the tenant argument, which callers take from an authenticated credential.</para>
/// </remarks>
public interface IExperienceLog
{
    /// <summary>Appends a batch atomically; returns one result per input record, in order.</summary>
    /// <exception cref="MyelinValidationException">A record is invalid; nothing was stored.</exception>
    Task<IReadOnlyList<AppendResult>> AppendAsync(
        TenantId tenant, IReadOnlyList<NewExperienceRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Reads records of one tenant that match <paramref name="query"/>, ordered by offset.</summary>
    /// <exception cref="MyelinValidationException">The query is malformed.</exception>
    Task<IReadOnlyList<ExperienceRecord>> QueryAsync(TenantId tenant, LogQuery query, CancellationToken cancellationToken = default);

    /// <summary>Counts records of one tenant that match the filters of <paramref name="query"/> (its limit is ignored).</summary>
    Task<long> CountAsync(TenantId tenant, LogQuery query, CancellationToken cancellationToken = default);

    /// <summary>The highest offset stored for the tenant, or 0 when its log is empty.</summary>
    Task<long> GetHeadOffsetAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases the content of some of one tenant's records, for deletion requests (forgetting a user): each record
    /// keeps its offset, kind, timestamps and ids, so offsets stay gap-free and readers that track offsets are not
    /// confused, but its payload becomes <see cref="LogRedaction.Payload"/>. Offsets the tenant does not have are
    /// ignored. Providers also remove the old content from their files where the engine allows it.
    /// </summary>
    /// <returns>How many records were redacted (already-redacted records count again).</returns>
    /// <exception cref="MyelinValidationException">An offset is below 1, there are more than
    /// <see cref="LogRedaction.MaxOffsets"/>, or the reason is empty or too long; nothing was changed.</exception>
    Task<long> RedactAsync(
        TenantId tenant, IReadOnlyList<long> offsets, string reason, CancellationToken cancellationToken = default);
}
