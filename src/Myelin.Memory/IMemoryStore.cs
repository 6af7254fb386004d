using Myelin.Core;

namespace Myelin.Memory;

/// <summary>Durable storage of memory items, their history, full-text index and vectors.</summary>
/// <remarks>
/// <para>Implementations are thread-safe and keep their tables apart from other rooms (on SQLite a separate
/// database file). Every call is scoped by the tenant argument and, where it names one, by the user; an id from
/// another tenant behaves as if it did not exist.</para>
/// <para>A write is durable when its task completes. Nothing here deletes an item except
/// <see cref="ForgetUserAsync"/>: contradicted items are closed, not removed.</para>
/// </remarks>
public interface IMemoryStore
{
    /// <summary>Stores items atomically and returns them as stored (ids assigned), in input order.</summary>
    /// <exception cref="MyelinValidationException">An item is invalid or belongs to another tenant; nothing was stored.</exception>
    Task<IReadOnlyList<MemoryItem>> AddAsync(
        TenantId tenant, IReadOnlyList<NewMemoryItem> items, string reason, CancellationToken cancellationToken = default);

    /// <summary>Closes <paramref name="oldId"/> at the replacement's valid-from and stores the replacement that
    /// supersedes it, in one transaction. Source episodes of the old item are marked as superseded too.</summary>
    /// <exception cref="MyelinNotFoundException">The old item does not exist in the tenant.</exception>
    /// <exception cref="MyelinConflictException">The old item is already closed.</exception>
    Task<MemoryItem> SupersedeAsync(
        TenantId tenant,
        string oldId,
        NewMemoryItem replacement,
        MemoryHistoryAction action,
        string reason,
        CancellationToken cancellationToken = default);

    /// <summary>Records that an item was restated: adds provenance and raises its importance.</summary>
    /// <exception cref="MyelinNotFoundException">The item does not exist in the tenant.</exception>
    Task ReinforceAsync(
        TenantId tenant, string id, IReadOnlyList<long> sourceOffsets, float importanceDelta, string reason,
        CancellationToken cancellationToken = default);

    /// <summary>Reads one item, or null when it does not exist in the tenant.</summary>
    Task<MemoryItem?> GetAsync(TenantId tenant, string id, CancellationToken cancellationToken = default);

    /// <summary>Reads items by id; ids not found in the tenant are left out.</summary>
    Task<IReadOnlyList<MemoryItem>> GetManyAsync(
        TenantId tenant, IReadOnlyList<string> ids, CancellationToken cancellationToken = default);

    /// <summary>Lists items matching <paramref name="filter"/>, newest valid-from first.</summary>
    Task<IReadOnlyList<MemoryItem>> ListAsync(TenantId tenant, MemoryFilter filter, CancellationToken cancellationToken = default);

    /// <summary>The users of the tenant that have items, most recently recorded first.</summary>
    Task<IReadOnlyList<MemoryUser>> ListUsersAsync(TenantId tenant, int limit, CancellationToken cancellationToken = default);

    /// <summary>The open (valid-to unset) items of a user that fill <paramref name="subject"/>.</summary>
    Task<IReadOnlyList<MemoryItem>> FindOpenBySubjectAsync(
        TenantId tenant, string userId, string subject, CancellationToken cancellationToken = default);

    /// <summary>The history of one item, oldest first; empty when it does not exist in the tenant.</summary>
    Task<IReadOnlyList<MemoryHistoryEntry>> GetHistoryAsync(TenantId tenant, string id, CancellationToken cancellationToken = default);

    /// <summary>BM25 search over analysed terms (see <see cref="Text.TextAnalyzer"/>), best first.</summary>
    Task<IReadOnlyList<TextSearchHit>> SearchTextAsync(
        TenantId tenant, MemoryFilter filter, IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken = default);

    /// <summary>The vectors of a user's items with a sequence above <paramref name="afterSequence"/>, ascending.</summary>
    Task<IReadOnlyList<StoredVector>> ReadVectorsAsync(
        TenantId tenant, string userId, long afterSequence, CancellationToken cancellationToken = default);

    /// <summary>The episodes just before and after <paramref name="episode"/> in its session, in order.</summary>
    Task<IReadOnlyList<MemoryItem>> GetNeighbourTurnsAsync(
        TenantId tenant, MemoryItem episode, int before, int after, CancellationToken cancellationToken = default);

    /// <summary>The episodes stored for the given experience-log offsets (any user of the tenant).</summary>
    Task<IReadOnlyList<MemoryItem>> FindEpisodesByOffsetAsync(
        TenantId tenant, IReadOnlyList<long> offsets, CancellationToken cancellationToken = default);

    /// <summary>Counts one access of an item per occurrence of its id in <paramref name="ids"/>, at <paramref name="at"/>
    /// (the last access time never moves back).</summary>
    Task RecordAccessAsync(TenantId tenant, IReadOnlyList<string> ids, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Keeps an extractor output that stayed invalid.</summary>
    Task AddQuarantineAsync(TenantId tenant, QuarantinedOutput output, CancellationToken cancellationToken = default);

    /// <summary>Quarantined outputs of the tenant (of one user when <paramref name="userId"/> is set), newest first.</summary>
    Task<IReadOnlyList<QuarantinedOutput>> ListQuarantineAsync(
        TenantId tenant, string? userId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Removes every item, index entry, vector, history entry and quarantined output of a user, and
    /// leaves an audit record holding only a hash of the user id and <paramref name="throughLogOffset"/>: the tenant's
    /// log head at the time, so a rebuild from the log does not bring the user's earlier turns back.</summary>
    Task<ForgetResult> ForgetUserAsync(
        TenantId tenant, string userId, DateTimeOffset at, long throughLogOffset, CancellationToken cancellationToken = default);

    /// <summary>The highest log offset through which the user was forgotten, or 0 when never.</summary>
    Task<long> GetForgottenThroughAsync(TenantId tenant, string userId, CancellationToken cancellationToken = default);
}
