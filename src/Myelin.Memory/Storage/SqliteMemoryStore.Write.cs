using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Memory.Internal;
using Myelin.Memory.Text;

namespace Myelin.Memory.Storage;

/// <content>Writes: add, supersede, reinforce, access counts.</content>
public sealed partial class SqliteMemoryStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryItem>> AddAsync(
        TenantId tenant, IReadOnlyList<NewMemoryItem> items, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (NewMemoryItem item in items)
        {
            Validate(tenant, item);
        }

        DateTimeOffset now = _time.GetUtcNow();
        return _db.WriteAsync<IReadOnlyList<MemoryItem>>(
            c =>
            {
                using SqliteTransaction tx = c.BeginTransaction();
                var stored = new MemoryItem[items.Count];
                for (int i = 0; i < items.Count; i++)
                {
                    stored[i] = Insert(c, tx, items[i], now, supersedes: null);
                    AddHistory(c, tx, stored[i], now, MemoryHistoryAction.Added, null, reason);
                }

                tx.Commit();
                return stored;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<MemoryItem> SupersedeAsync(
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
        return _db.WriteAsync(
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

                MemoryItem added = Insert(c, tx, replacement, now, supersedes: old.Id);
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

                AddHistory(c, tx, old with { ValidTo = validTo }, now, action, added.Id, reason);
                AddHistory(c, tx, added, now, MemoryHistoryAction.Added, old.Id, reason);
                tx.Commit();
                return added;
            },
            cancellationToken);
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

                AddHistory(c, tx, item, now, MemoryHistoryAction.Reinforced, null, reason);
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
                    UPDATE items SET access_count = access_count + 1, last_accessed_at = $at
                    WHERE +tenant = $tenant AND id IN (SELECT value FROM json_each($ids))
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

    private static MemoryItem Insert(SqliteConnection c, SqliteTransaction tx, NewMemoryItem item, DateTimeOffset now, string? supersedes)
    {
        string id = "mem_" + Guid.NewGuid().ToString("N");
        using SqliteCommand insert = c.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO items (id, tenant, user_id, agent_id, session_id, kind, text, subject, value, speaker, valid_from,
                recorded_at, source_offsets, log_offset, importance, supersedes, vector)
            VALUES ($id, $tenant, $user, $agent, $session, $kind, $text, $subject, $value, $speaker, $from, $now, $offsets,
                $log, $importance, $supersedes, $vector)
            RETURNING seq
            """;
        MemoryScope scope = item.Scope;
        insert.Parameters.AddWithValue("$id", id);
        insert.Parameters.AddWithValue("$tenant", scope.Tenant.Value);
        insert.Parameters.AddWithValue("$user", scope.UserId);
        insert.Parameters.AddWithValue("$agent", (object?)scope.AgentId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$session", (object?)scope.SessionId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$kind", (int)item.Kind);
        insert.Parameters.AddWithValue("$text", item.Text);
        insert.Parameters.AddWithValue("$subject", (object?)item.Subject ?? DBNull.Value);
        insert.Parameters.AddWithValue("$value", (object?)item.Value ?? DBNull.Value);
        insert.Parameters.AddWithValue("$speaker", (object?)item.Speaker ?? DBNull.Value);
        insert.Parameters.AddWithValue("$from", UnixMicros.From(item.ValidFrom));
        insert.Parameters.AddWithValue("$now", UnixMicros.From(now));
        insert.Parameters.AddWithValue("$offsets", ItemRows.FormatOffsets(item.SourceOffsets));
        insert.Parameters.AddWithValue(
            "$log", item.Kind == MemoryKind.Episode && item.SourceOffsets.Count > 0 ? item.SourceOffsets[0] : DBNull.Value);
        insert.Parameters.AddWithValue("$importance", item.Importance);
        insert.Parameters.AddWithValue("$supersedes", (object?)supersedes ?? DBNull.Value);
        insert.Parameters.AddWithValue(
            "$vector", item.Vector is { } v ? MemoryMarshal.AsBytes(v.Span).ToArray() : DBNull.Value);
        long seq = (long)insert.ExecuteScalar()!;

        using SqliteCommand fts = c.CreateCommand();
        fts.Transaction = tx;
        fts.CommandText = "INSERT INTO items_fts (rowid, scope, terms) VALUES ($seq, $scope, $terms)";
        fts.Parameters.AddWithValue("$seq", seq);
        fts.Parameters.AddWithValue("$scope", ItemRows.ScopeToken(scope.Tenant, scope.UserId));
        fts.Parameters.AddWithValue("$terms", IndexTerms(item));
        fts.ExecuteNonQuery();

        return new MemoryItem
        {
            Id = id,
            Sequence = seq,
            Scope = scope,
            Kind = item.Kind,
            Text = item.Text,
            Subject = item.Subject,
            Value = item.Value,
            Speaker = item.Speaker,
            ValidFrom = item.ValidFrom,
            RecordedAt = now,
            SourceOffsets = item.SourceOffsets,
            Importance = item.Importance,
            Supersedes = supersedes,
        };
    }

    // The subject's words (location.home -> location, home) are indexed with the text, so "where is her home" finds
    // "Alice lives in Porto" through its slot name.
    private static string IndexTerms(NewMemoryItem item)
    {
        IReadOnlyList<string> terms = TextAnalyzer.Default.AnalyzeTurn(item.Text, item.Speaker);
        if (item.Subject is null)
        {
            return string.Join(' ', terms);
        }

        IReadOnlyList<string> subject = TextAnalyzer.Default.Analyze(item.Subject.Replace('.', ' ').Replace('_', ' '));
        return string.Join(' ', terms.Concat(subject));
    }

    private static void AddHistory(
        SqliteConnection c, SqliteTransaction tx, MemoryItem item, DateTimeOffset at, MemoryHistoryAction action,
        string? relatedId, string reason)
    {
        using SqliteCommand insert = c.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO history (tenant, user_id, item_id, at, action, text, valid_from, valid_to, related_id, reason)
            VALUES ($tenant, $user, $item, $at, $action, $text, $from, $to, $related, $reason)
            """;
        insert.Parameters.AddWithValue("$tenant", item.Scope.Tenant.Value);
        insert.Parameters.AddWithValue("$user", item.Scope.UserId);
        insert.Parameters.AddWithValue("$item", item.Id);
        insert.Parameters.AddWithValue("$at", UnixMicros.From(at));
        insert.Parameters.AddWithValue("$action", (int)action);
        insert.Parameters.AddWithValue("$text", item.Text);
        insert.Parameters.AddWithValue("$from", UnixMicros.From(item.ValidFrom));
        insert.Parameters.AddWithValue("$to", item.ValidTo is { } to ? UnixMicros.From(to) : DBNull.Value);
        insert.Parameters.AddWithValue("$related", (object?)relatedId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$reason", reason);
        insert.ExecuteNonQuery();
    }
}
