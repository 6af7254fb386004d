using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Memory.Internal;

namespace Myelin.Memory.Storage;

/// <content>Reads: items, lists, history, vectors, neighbouring turns.</content>
public sealed partial class SqliteMemoryStore
{
    /// <inheritdoc />
    public Task<MemoryItem?> GetAsync(TenantId tenant, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _db.ReadAsync(c => Get(c, tenant, id), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryItem>> GetManyAsync(
        TenantId tenant, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return _db.ReadAsync<IReadOnlyList<MemoryItem>>(
            c =>
            {
                using SqliteCommand select = c.CreateCommand();
                // '+tenant' keeps the planner on the unique id index instead of scanning the tenant's rows.
                select.CommandText = $"SELECT {MemorySchema.ItemColumns} FROM items " +
                    "WHERE +tenant = $tenant AND id IN (SELECT value FROM json_each($ids))";
                select.Parameters.AddWithValue("$tenant", tenant.Value);
                select.Parameters.AddWithValue("$ids", ItemRows.JsonStrings(ids));
                Dictionary<string, MemoryItem> byId = ItemRows.ReadAll(select, tenant).ToDictionary(i => i.Id, StringComparer.Ordinal);
                var ordered = new List<MemoryItem>(byId.Count);
                foreach (string id in ids)
                {
                    if (byId.TryGetValue(id, out MemoryItem? item))
                    {
                        ordered.Add(item);
                    }
                }

                return ordered;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryItem>> ListAsync(TenantId tenant, MemoryFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return _db.ReadAsync<IReadOnlyList<MemoryItem>>(
            c =>
            {
                using SqliteCommand select = c.CreateCommand();
                var sql = new StringBuilder($"SELECT {MemorySchema.ItemColumns} FROM items WHERE tenant = $tenant AND user_id = $user");
                ItemRows.AppendFilter(sql, select, filter, string.Empty);
                sql.Append(" ORDER BY valid_from DESC, seq DESC LIMIT $limit");
                select.CommandText = sql.ToString();
                select.Parameters.AddWithValue("$tenant", tenant.Value);
                select.Parameters.AddWithValue("$user", filter.UserId);
                select.Parameters.AddWithValue("$limit", Math.Max(0, filter.Limit));
                return ItemRows.ReadAll(select, tenant);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryUser>> ListUsersAsync(TenantId tenant, int limit, CancellationToken cancellationToken = default) =>
        _db.ReadAsync<IReadOnlyList<MemoryUser>>(
            c =>
            {
                using SqliteCommand select = c.CreateCommand();
                select.CommandText = "SELECT user_id, COUNT(*), MAX(recorded_at) FROM items WHERE tenant = $tenant " +
                    "GROUP BY user_id ORDER BY MAX(recorded_at) DESC, user_id LIMIT $limit";
                select.Parameters.AddWithValue("$tenant", tenant.Value);
                select.Parameters.AddWithValue("$limit", Math.Max(0, limit));
                var users = new List<MemoryUser>();
                using SqliteDataReader r = select.ExecuteReader();
                while (r.Read())
                {
                    users.Add(new MemoryUser(r.GetString(0), r.GetInt64(1), UnixMicros.To(r.GetInt64(2))));
                }

                return users;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryItem>> FindOpenBySubjectAsync(
        TenantId tenant, string userId, string subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(subject);
        return _db.ReadAsync<IReadOnlyList<MemoryItem>>(
            c =>
            {
                using SqliteCommand select = c.CreateCommand();
                select.CommandText = $"SELECT {MemorySchema.ItemColumns} FROM items " +
                    "WHERE tenant = $tenant AND user_id = $user AND subject = $subject AND valid_to IS NULL ORDER BY seq";
                select.Parameters.AddWithValue("$tenant", tenant.Value);
                select.Parameters.AddWithValue("$user", userId);
                select.Parameters.AddWithValue("$subject", subject);
                return ItemRows.ReadAll(select, tenant);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryHistoryEntry>> GetHistoryAsync(TenantId tenant, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _db.ReadAsync<IReadOnlyList<MemoryHistoryEntry>>(
            c =>
            {
                using SqliteCommand select = c.CreateCommand();
                select.CommandText = "SELECT item_id, at, action, text, valid_from, valid_to, related_id, reason FROM history " +
                    "WHERE tenant = $tenant AND item_id = $id ORDER BY seq";
                select.Parameters.AddWithValue("$tenant", tenant.Value);
                select.Parameters.AddWithValue("$id", id);
                var entries = new List<MemoryHistoryEntry>();
                using SqliteDataReader r = select.ExecuteReader();
                while (r.Read())
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

                return entries;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredVector>> ReadVectorsAsync(
        TenantId tenant, string userId, long afterSequence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return _db.ReadAsync<IReadOnlyList<StoredVector>>(
            c =>
            {
                using SqliteCommand select = c.CreateCommand();
                select.CommandText = "SELECT seq, id, vector FROM items " +
                    "WHERE tenant = $tenant AND user_id = $user AND seq > $after AND vector IS NOT NULL ORDER BY seq";
                select.Parameters.AddWithValue("$tenant", tenant.Value);
                select.Parameters.AddWithValue("$user", userId);
                select.Parameters.AddWithValue("$after", afterSequence);
                var vectors = new List<StoredVector>();
                using SqliteDataReader r = select.ExecuteReader();
                while (r.Read())
                {
                    byte[] bytes = (byte[])r.GetValue(2);
                    vectors.Add(new StoredVector(r.GetInt64(0), r.GetString(1), MemoryMarshal.Cast<byte, float>(bytes).ToArray()));
                }

                return vectors;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryItem>> GetNeighbourTurnsAsync(
        TenantId tenant, MemoryItem episode, int before, int after, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(episode);
        if (episode.Scope.SessionId is null || (before <= 0 && after <= 0))
        {
            return Task.FromResult<IReadOnlyList<MemoryItem>>([]);
        }

        return _db.ReadAsync<IReadOnlyList<MemoryItem>>(
            c =>
            {
                using SqliteCommand select = c.CreateCommand();
                string where = "tenant = $tenant AND user_id = $user AND session_id = $session AND kind = 0";
                select.CommandText = string.Create(
                    CultureInfo.InvariantCulture,
                    $"""
                    SELECT * FROM (SELECT {MemorySchema.ItemColumns} FROM items WHERE {where} AND seq < $seq ORDER BY seq DESC LIMIT $before)
                    UNION ALL
                    SELECT * FROM (SELECT {MemorySchema.ItemColumns} FROM items WHERE {where} AND seq > $seq ORDER BY seq LIMIT $after)
                    ORDER BY seq
                    """);
                select.Parameters.AddWithValue("$tenant", tenant.Value);
                select.Parameters.AddWithValue("$user", episode.Scope.UserId);
                select.Parameters.AddWithValue("$session", episode.Scope.SessionId);
                select.Parameters.AddWithValue("$seq", episode.Sequence);
                select.Parameters.AddWithValue("$before", Math.Max(0, before));
                select.Parameters.AddWithValue("$after", Math.Max(0, after));
                return ItemRows.ReadAll(select, tenant);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryItem>> FindEpisodesByOffsetAsync(
        TenantId tenant, IReadOnlyList<long> offsets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        return _db.ReadAsync<IReadOnlyList<MemoryItem>>(
            c =>
            {
                using SqliteCommand select = c.CreateCommand();
                select.CommandText = $"SELECT {MemorySchema.ItemColumns} FROM items " +
                    "WHERE tenant = $tenant AND kind = 0 AND log_offset IN (SELECT value FROM json_each($offsets)) ORDER BY seq";
                select.Parameters.AddWithValue("$tenant", tenant.Value);
                select.Parameters.AddWithValue("$offsets", "[" + ItemRows.FormatOffsets(offsets) + "]");
                return ItemRows.ReadAll(select, tenant);
            },
            cancellationToken);
    }

    private static MemoryItem? Get(SqliteConnection c, TenantId tenant, string id)
    {
        using SqliteCommand select = c.CreateCommand();
        select.CommandText = $"SELECT {MemorySchema.ItemColumns} FROM items WHERE tenant = $tenant AND id = $id";
        select.Parameters.AddWithValue("$tenant", tenant.Value);
        select.Parameters.AddWithValue("$id", id);
        List<MemoryItem> items = ItemRows.ReadAll(select, tenant);
        return items.Count == 0 ? null : items[0];
    }
}
