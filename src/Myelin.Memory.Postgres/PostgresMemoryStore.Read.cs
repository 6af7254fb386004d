using System.Globalization;
using System.Text;
using Myelin.Core;
using Myelin.Memory.Internal;
using Myelin.Memory.Postgres.Internal;
using Npgsql;

namespace Myelin.Memory.Postgres;

/// <content>Reads: items, lists, users, history, vectors, neighbouring turns.</content>
public sealed partial class PostgresMemoryStore
{
    private const string Items = $"SELECT {PostgresMemorySchema.ItemColumns} FROM memory_items";

    /// <inheritdoc />
    public async Task<MemoryItem?> GetAsync(TenantId tenant, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        using NpgsqlCommand select = Command($"{Items} WHERE tenant = @tenant AND id = @id", tenant);
        select.Parameters.AddWithValue("id", id);
        List<MemoryItem> items = await PostgresItemRows.ReadAllAsync(select, tenant, cancellationToken).ConfigureAwait(false);
        return items.Count == 0 ? null : items[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MemoryItem>> GetManyAsync(
        TenantId tenant, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        using NpgsqlCommand select = Command($"{Items} WHERE tenant = @tenant AND id = ANY(@ids)", tenant);
        select.Parameters.AddWithValue("ids", ids.ToArray());
        Dictionary<string, MemoryItem> byId = (await PostgresItemRows.ReadAllAsync(select, tenant, cancellationToken).ConfigureAwait(false))
            .ToDictionary(i => i.Id, StringComparer.Ordinal);
        var ordered = new List<MemoryItem>(byId.Count);
        foreach (string id in ids)
        {
            if (byId.Remove(id, out MemoryItem? item))
            {
                ordered.Add(item);
            }
        }

        return ordered;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MemoryItem>> ListAsync(TenantId tenant, MemoryFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        using NpgsqlCommand select = Command(string.Empty, tenant);
        var sql = new StringBuilder($"{Items} WHERE tenant = @tenant AND user_id = @user");
        PostgresItemRows.AppendFilter(sql, select, filter, string.Empty);
        sql.Append(" ORDER BY valid_from DESC, seq DESC LIMIT @limit");
        select.CommandText = sql.ToString();
        select.Parameters.AddWithValue("user", filter.UserId);
        select.Parameters.AddWithValue("limit", Math.Max(0, filter.Limit));
        return await PostgresItemRows.ReadAllAsync(select, tenant, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MemoryUser>> ListUsersAsync(TenantId tenant, int limit, CancellationToken cancellationToken = default)
    {
        using NpgsqlCommand select = Command(
            "SELECT user_id, COUNT(*), MAX(recorded_at) FROM memory_items WHERE tenant = @tenant " +
            "GROUP BY user_id ORDER BY MAX(recorded_at) DESC, user_id LIMIT @limit",
            tenant);
        select.Parameters.AddWithValue("limit", Math.Max(0, limit));
        var users = new List<MemoryUser>();
        NpgsqlDataReader r = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (r.ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                users.Add(new MemoryUser(r.GetString(0), r.GetInt64(1), UnixMicros.To(r.GetInt64(2))));
            }
        }

        return users;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MemoryItem>> FindOpenBySubjectAsync(
        TenantId tenant, string userId, string subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(subject);
        using NpgsqlCommand select = Command(
            $"{Items} WHERE tenant = @tenant AND user_id = @user AND subject = @subject AND valid_to IS NULL ORDER BY seq", tenant);
        select.Parameters.AddWithValue("user", userId);
        select.Parameters.AddWithValue("subject", subject);
        return await PostgresItemRows.ReadAllAsync(select, tenant, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MemoryHistoryEntry>> GetHistoryAsync(TenantId tenant, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        using NpgsqlCommand select = Command(
            "SELECT item_id, at, action, text, valid_from, valid_to, related_id, reason FROM memory_history " +
            "WHERE tenant = @tenant AND item_id = @id ORDER BY seq",
            tenant);
        select.Parameters.AddWithValue("id", id);
        var entries = new List<MemoryHistoryEntry>();
        NpgsqlDataReader r = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (r.ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new MemoryHistoryEntry(
                    r.GetString(0),
                    UnixMicros.To(r.GetInt64(1)),
                    (MemoryHistoryAction)r.GetInt32(2),
                    r.GetString(3),
                    UnixMicros.To(r.GetInt64(4)),
                    r.IsDBNull(5) ? null : UnixMicros.To(r.GetInt64(5)),
                    r.IsDBNull(6) ? null : r.GetString(6),
                    r.IsDBNull(7) ? null : r.GetString(7)));
            }
        }

        return entries;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredVector>> ReadVectorsAsync(
        TenantId tenant, string userId, long afterSequence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        using NpgsqlCommand select = Command(
            "SELECT seq, id, vector FROM memory_items " +
            "WHERE tenant = @tenant AND user_id = @user AND seq > @after AND vector IS NOT NULL ORDER BY seq",
            tenant);
        select.Parameters.AddWithValue("user", userId);
        select.Parameters.AddWithValue("after", afterSequence);
        var vectors = new List<StoredVector>();
        NpgsqlDataReader r = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (r.ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                vectors.Add(new StoredVector(r.GetInt64(0), r.GetString(1), r.GetFieldValue<float[]>(2)));
            }
        }

        return vectors;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MemoryItem>> GetNeighbourTurnsAsync(
        TenantId tenant, MemoryItem episode, int before, int after, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(episode);
        if (episode.Scope.SessionId is null || (before <= 0 && after <= 0))
        {
            return [];
        }

        const string Where = "tenant = @tenant AND user_id = @user AND session_id = @session AND kind = 0";
        using NpgsqlCommand select = Command(
            string.Create(
                CultureInfo.InvariantCulture,
                $"""
                SELECT * FROM (({Items} WHERE {Where} AND seq < @seq ORDER BY seq DESC LIMIT @before)
                UNION ALL
                ({Items} WHERE {Where} AND seq > @seq ORDER BY seq LIMIT @after)) n
                ORDER BY seq
                """),
            tenant);
        select.Parameters.AddWithValue("user", episode.Scope.UserId);
        select.Parameters.AddWithValue("session", episode.Scope.SessionId);
        select.Parameters.AddWithValue("seq", episode.Sequence);
        select.Parameters.AddWithValue("before", Math.Max(0, before));
        select.Parameters.AddWithValue("after", Math.Max(0, after));
        return await PostgresItemRows.ReadAllAsync(select, tenant, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MemoryItem>> FindEpisodesByOffsetAsync(
        TenantId tenant, IReadOnlyList<long> offsets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        using NpgsqlCommand select = Command(
            $"{Items} WHERE tenant = @tenant AND kind = 0 AND log_offset = ANY(@offsets) ORDER BY seq", tenant);
        select.Parameters.AddWithValue("offsets", offsets.ToArray());
        return await PostgresItemRows.ReadAllAsync(select, tenant, cancellationToken).ConfigureAwait(false);
    }
}
