using Myelin.Core;
using Myelin.Memory.Internal;
using Npgsql;
using NpgsqlTypes;

namespace Myelin.Memory.Postgres;

/// <content>Writes: add, supersede, reinforce, access counts.</content>
public sealed partial class PostgresMemoryStore
{
    private const string InsertItemSql = """
        INSERT INTO memory_items (id, tenant, user_id, agent_id, session_id, kind, text, subject, value, speaker, valid_from,
            recorded_at, source_offsets, log_offset, importance, supersedes, vector, terms)
        VALUES (@id, @tenant, @user, @agent, @session, @kind, @text, @subject, @value, @speaker, @from, @now, @offsets,
            @log, @importance, @supersedes, @vector, to_tsvector('simple', @terms))
        RETURNING seq
        """;

    private const string InsertHistorySql = """
        INSERT INTO memory_history (tenant, user_id, item_id, at, action, text, valid_from, valid_to, related_id, reason)
        VALUES (@tenant, @user, @item, @at, @action, @text, @from, @to, @related, @reason)
        """;

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
        return InTransactionAsync<IReadOnlyList<MemoryItem>>(
            async (c, tx) =>
            {
                var stored = new MemoryItem[items.Count];
                for (int i = 0; i < items.Count; i++)
                {
                    stored[i] = await InsertAsync(c, tx, items[i], now, supersedes: null, cancellationToken).ConfigureAwait(false);
                    await AddHistoryAsync(c, tx, stored[i], now, MemoryHistoryAction.Added, null, reason, cancellationToken)
                        .ConfigureAwait(false);
                }

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
        return InTransactionAsync(
            async (c, tx) =>
            {
                MemoryItem old = await GetForUpdateAsync(c, tx, tenant, oldId, cancellationToken).ConfigureAwait(false)
                    ?? throw new MyelinNotFoundException("memory_not_found", $"Memory item '{oldId}' does not exist in this tenant.");
                if (old.ValidTo is not null)
                {
                    throw new MyelinConflictException(
                        "memory_closed", $"Memory item '{oldId}' is already closed; supersede its current version instead.");
                }

                MemoryItem added = await InsertAsync(c, tx, replacement, now, supersedes: old.Id, cancellationToken).ConfigureAwait(false);
                DateTimeOffset validTo = replacement.ValidFrom > old.ValidFrom ? replacement.ValidFrom : old.ValidFrom;
                using (var close = new NpgsqlCommand(
                    """
                    UPDATE memory_items SET valid_to = @to, invalidated_at = @now, superseded_by = @new WHERE seq = @seq;
                    UPDATE memory_items SET superseded_by = @new
                    WHERE tenant = @tenant AND user_id = @user AND kind = 0 AND log_offset = ANY(@offsets);
                    """,
                    c,
                    tx))
                {
                    close.Parameters.AddWithValue("to", UnixMicros.From(validTo));
                    close.Parameters.AddWithValue("now", UnixMicros.From(now));
                    close.Parameters.AddWithValue("new", added.Id);
                    close.Parameters.AddWithValue("seq", old.Sequence);
                    close.Parameters.AddWithValue("tenant", tenant.Value);
                    close.Parameters.AddWithValue("user", old.Scope.UserId);
                    close.Parameters.AddWithValue("offsets", old.SourceOffsets.ToArray());
                    await close.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await AddHistoryAsync(c, tx, old with { ValidTo = validTo }, now, action, added.Id, reason, cancellationToken).ConfigureAwait(false);
                await AddHistoryAsync(c, tx, added, now, MemoryHistoryAction.Added, old.Id, reason, cancellationToken).ConfigureAwait(false);
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
        return InTransactionAsync(
            async (c, tx) =>
            {
                MemoryItem item = await GetForUpdateAsync(c, tx, tenant, id, cancellationToken).ConfigureAwait(false)
                    ?? throw new MyelinNotFoundException("memory_not_found", $"Memory item '{id}' does not exist in this tenant.");
                IEnumerable<long> offsets = item.SourceOffsets.Concat(sourceOffsets).Distinct().TakeLast(64);
                float importance = Math.Clamp(item.Importance + importanceDelta, 0f, 1f);
                using (var update = new NpgsqlCommand(
                    "UPDATE memory_items SET source_offsets = @offsets, importance = @importance WHERE seq = @seq", c, tx))
                {
                    update.Parameters.AddWithValue("offsets", ItemRows.FormatOffsets(offsets));
                    update.Parameters.AddWithValue("importance", importance);
                    update.Parameters.AddWithValue("seq", item.Sequence);
                    await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await AddHistoryAsync(c, tx, item, now, MemoryHistoryAction.Reinforced, null, reason, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task RecordAccessAsync(TenantId tenant, IReadOnlyList<string> ids, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return;
        }

        using NpgsqlCommand update = Command(
            """
            UPDATE memory_items SET access_count = access_count + a.n, last_accessed_at = GREATEST(COALESCE(last_accessed_at, @at), @at)
            FROM (SELECT id, COUNT(*) AS n FROM unnest(@ids) AS u(id) GROUP BY id) a
            WHERE memory_items.tenant = @tenant AND memory_items.id = a.id
            """,
            tenant);
        update.Parameters.AddWithValue("at", UnixMicros.From(at));
        update.Parameters.AddWithValue("ids", ids.ToArray());
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<MemoryItem> InsertAsync(
        NpgsqlConnection c, NpgsqlTransaction tx, NewMemoryItem item, DateTimeOffset now, string? supersedes, CancellationToken cancellationToken)
    {
        string id = "mem_" + Guid.CreateVersion7().ToString("N");
        MemoryScope scope = item.Scope;
        using var insert = new NpgsqlCommand(InsertItemSql, c, tx);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("tenant", scope.Tenant.Value);
        insert.Parameters.AddWithValue("user", scope.UserId);
        insert.Parameters.AddWithValue("agent", NpgsqlDbType.Text, (object?)scope.AgentId ?? DBNull.Value);
        insert.Parameters.AddWithValue("session", NpgsqlDbType.Text, (object?)scope.SessionId ?? DBNull.Value);
        insert.Parameters.AddWithValue("kind", (int)item.Kind);
        insert.Parameters.AddWithValue("text", item.Text);
        insert.Parameters.AddWithValue("subject", NpgsqlDbType.Text, (object?)item.Subject ?? DBNull.Value);
        insert.Parameters.AddWithValue("value", NpgsqlDbType.Text, (object?)item.Value ?? DBNull.Value);
        insert.Parameters.AddWithValue("speaker", NpgsqlDbType.Text, (object?)item.Speaker ?? DBNull.Value);
        insert.Parameters.AddWithValue("from", UnixMicros.From(item.ValidFrom));
        insert.Parameters.AddWithValue("now", UnixMicros.From(now));
        insert.Parameters.AddWithValue("offsets", ItemRows.FormatOffsets(item.SourceOffsets));
        insert.Parameters.AddWithValue(
            "log", NpgsqlDbType.Bigint,
            item.Kind == MemoryKind.Episode && item.SourceOffsets.Count > 0 ? item.SourceOffsets[0] : (object)DBNull.Value);
        insert.Parameters.AddWithValue("importance", item.Importance);
        insert.Parameters.AddWithValue("supersedes", NpgsqlDbType.Text, (object?)supersedes ?? DBNull.Value);
        insert.Parameters.AddWithValue(
            "vector", NpgsqlDbType.Array | NpgsqlDbType.Real, item.Vector is { } v ? v.ToArray() : (object)DBNull.Value);
        insert.Parameters.AddWithValue("terms", string.Join(' ', FullTextTerms.Terms(item.Text, item.Speaker, item.Subject)));
        long seq = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
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

    private static async Task AddHistoryAsync(
        NpgsqlConnection c, NpgsqlTransaction tx, MemoryItem item, DateTimeOffset at, MemoryHistoryAction action,
        string? relatedId, string reason, CancellationToken cancellationToken)
    {
        using var insert = new NpgsqlCommand(InsertHistorySql, c, tx);
        insert.Parameters.AddWithValue("tenant", item.Scope.Tenant.Value);
        insert.Parameters.AddWithValue("user", item.Scope.UserId);
        insert.Parameters.AddWithValue("item", item.Id);
        insert.Parameters.AddWithValue("at", UnixMicros.From(at));
        insert.Parameters.AddWithValue("action", (int)action);
        insert.Parameters.AddWithValue("text", item.Text);
        insert.Parameters.AddWithValue("from", UnixMicros.From(item.ValidFrom));
        insert.Parameters.AddWithValue("to", NpgsqlDbType.Bigint, item.ValidTo is { } to ? UnixMicros.From(to) : (object)DBNull.Value);
        insert.Parameters.AddWithValue("related", NpgsqlDbType.Text, (object?)relatedId ?? DBNull.Value);
        insert.Parameters.AddWithValue("reason", reason);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // Locks the row so concurrent supersede/reinforce calls on one item serialise (SQLite gets this from its single writer).
    private static async Task<MemoryItem?> GetForUpdateAsync(
        NpgsqlConnection c, NpgsqlTransaction tx, TenantId tenant, string id, CancellationToken cancellationToken)
    {
        using var select = new NpgsqlCommand(
            $"SELECT {Internal.PostgresMemorySchema.ItemColumns} FROM memory_items WHERE tenant = @tenant AND id = @id FOR UPDATE", c, tx);
        select.Parameters.AddWithValue("tenant", tenant.Value);
        select.Parameters.AddWithValue("id", id);
        List<MemoryItem> items = await Internal.PostgresItemRows.ReadAllAsync(select, tenant, cancellationToken).ConfigureAwait(false);
        return items.Count == 0 ? null : items[0];
    }
}
