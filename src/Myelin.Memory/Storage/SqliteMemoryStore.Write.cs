using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Memory.Internal;

namespace Myelin.Memory.Storage;

/// <content>Writes: add, supersede, reinforce, access counts.</content>
public sealed partial class SqliteMemoryStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<MemoryItem>> AddAsync(
        TenantId tenant, IReadOnlyList<NewMemoryItem> items, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (NewMemoryItem item in items)
        {
            Validate(tenant, item);
        }

        DateTimeOffset now = _time.GetUtcNow();
        MemoryItem[] added = await _db.WriteAsync(
            c =>
            {
                using SqliteTransaction tx = c.BeginTransaction();
                using var writer = new ItemWriter(c, tx);
                var stored = new MemoryItem[items.Count];
                for (int i = 0; i < items.Count; i++)
                {
                    stored[i] = writer.Insert(items[i], now, supersedes: null);
                    writer.AddHistory(stored[i], now, MemoryHistoryAction.Added, null, reason);
                }

                tx.Commit();
                return stored;
            },
            cancellationToken).ConfigureAwait(false);
        if (added.Length > 0)
        {
            _indexer.Written(added[^1].Sequence);
        }

        return added;
    }

    /// <inheritdoc />
    public async Task<MemoryItem> SupersedeAsync(
        TenantId tenant,
        string oldId,
        NewMemoryItem replacement,
        MemoryHistoryAction action,
        string reason,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(oldId);
        Validate(tenant, replacement);
        if (action is not (MemoryHistoryAction.Updated or MemoryHistoryAction.Invalidated))
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, "Only Updated or Invalidated supersede an item.");
        }

        DateTimeOffset now = _time.GetUtcNow();
        MemoryItem stored = await _db.WriteAsync(
            c =>
            {
                using SqliteTransaction tx = c.BeginTransaction();
                MemoryItem old = Get(c, tenant, oldId) ?? throw new MyelinNotFoundException(
                    "memory_not_found", $"Memory item '{oldId}' does not exist in this tenant.");
                if (old.ValidTo is not null)
                {
                    throw new MyelinConflictException(
                        "memory_closed", $"Memory item '{oldId}' is already closed; supersede its current version instead.");
                }

                using var writer = new ItemWriter(c, tx);
                MemoryItem added = writer.Insert(replacement, now, supersedes: old.Id);
                DateTimeOffset validTo = replacement.ValidFrom > old.ValidFrom ? replacement.ValidFrom : old.ValidFrom;
                using (SqliteCommand close = c.CreateCommand())
                {
                    close.Transaction = tx;
                    close.CommandText = """
                        UPDATE items SET valid_to = $to, invalidated_at = $now, superseded_by = $new WHERE seq = $seq;
                        UPDATE items SET superseded_by = $new
                        WHERE tenant = $tenant AND +user_id = $user AND kind = 0 AND log_offset IN (SELECT value FROM json_each($offsets));
                        """;
                    close.Parameters.AddWithValue("$to", UnixMicros.From(validTo));
                    close.Parameters.AddWithValue("$now", UnixMicros.From(now));
                    close.Parameters.AddWithValue("$new", added.Id);
                    close.Parameters.AddWithValue("$seq", old.Sequence);
                    close.Parameters.AddWithValue("$tenant", tenant.Value);
                    close.Parameters.AddWithValue("$user", old.Scope.UserId);
                    close.Parameters.AddWithValue("$offsets", "[" + ItemRows.FormatOffsets(old.SourceOffsets) + "]");
                    close.ExecuteNonQuery();
                }

                writer.AddHistory(old with { ValidTo = validTo }, now, action, added.Id, reason);
                writer.AddHistory(added, now, MemoryHistoryAction.Added, old.Id, reason);
                tx.Commit();
                return added;
            },
            cancellationToken).ConfigureAwait(false);
        _indexer.Written(stored.Sequence);
        return stored;
    }

    /// <inheritdoc />
    public Task ReinforceAsync(
        TenantId tenant, string id, IReadOnlyList<long> sourceOffsets, float importanceDelta, string reason,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(sourceOffsets);
        DateTimeOffset now = _time.GetUtcNow();
        return _db.WriteAsync(
            c =>
            {
                using SqliteTransaction tx = c.BeginTransaction();
                MemoryItem item = Get(c, tenant, id) ?? throw new MyelinNotFoundException(
                    "memory_not_found", $"Memory item '{id}' does not exist in this tenant.");
                IEnumerable<long> offsets = item.SourceOffsets.Concat(sourceOffsets).Distinct().TakeLast(64);
                float importance = Math.Clamp(item.Importance + importanceDelta, 0f, 1f);
                using (SqliteCommand update = c.CreateCommand())
                {
                    update.Transaction = tx;
                    update.CommandText = "UPDATE items SET source_offsets = $offsets, importance = $importance WHERE seq = $seq";
                    update.Parameters.AddWithValue("$offsets", ItemRows.FormatOffsets(offsets));
                    update.Parameters.AddWithValue("$importance", importance);
                    update.Parameters.AddWithValue("$seq", item.Sequence);
                    update.ExecuteNonQuery();
                }

                using var writer = new ItemWriter(c, tx);
                writer.AddHistory(item, now, MemoryHistoryAction.Reinforced, null, reason);
                tx.Commit();
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task RecordAccessAsync(TenantId tenant, IReadOnlyList<string> ids, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return Task.CompletedTask;
        }

        return _db.WriteAsync(
            c =>
            {
                using SqliteTransaction tx = c.BeginTransaction();
                using SqliteCommand update = c.CreateCommand();
                update.Transaction = tx;
                // '+tenant' keeps the planner on the unique id index instead of scanning the tenant's rows.
                update.CommandText = """
                    UPDATE items SET access_count = access_count + a.n, last_accessed_at = MAX(COALESCE(last_accessed_at, $at), $at)
                    FROM (SELECT value AS id, COUNT(*) AS n FROM json_each($ids) GROUP BY value) a
                    WHERE +items.tenant = $tenant AND items.id = a.id
                    """;
                update.Parameters.AddWithValue("$at", UnixMicros.From(at));
                update.Parameters.AddWithValue("$tenant", tenant.Value);
                update.Parameters.AddWithValue("$ids", ItemRows.JsonStrings(ids));
                int n = update.ExecuteNonQuery();
                tx.Commit();
                return n;
            },
            cancellationToken);
    }
}
