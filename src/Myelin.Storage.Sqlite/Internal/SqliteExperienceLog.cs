using System.Text;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Core.Log;

namespace Myelin.Storage.Sqlite.Internal;

/// <summary>The experience log on SQLite: one table, per-tenant offsets assigned under the write lock.</summary>
internal sealed class SqliteExperienceLog : IExperienceLog
{
    private const string InsertSql = """
        INSERT INTO log (tenant, log_offset, kind, ts, recorded_at, trace_id, session_id, episode_id, idempotency_key, payload)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
        """;

    // A keyed record is inserted unless its key is taken; the unique index on (tenant, idempotency_key) answers that during
    // the insert, so the common case (a new key) costs no separate lookup.
    private const string InsertKeyedSql = InsertSql + " ON CONFLICT (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING";

    private const string HeadSql = "SELECT COALESCE(MAX(log_offset), 0) FROM log WHERE tenant = @tenant";
    private const string FindKeySql = "SELECT log_offset FROM log WHERE tenant = ?1 AND idempotency_key = ?2";
    private const string RedactSql = "UPDATE log SET payload = @payload WHERE tenant = @tenant AND log_offset = @offset";
    private const string Columns = "log_offset, kind, ts, recorded_at, trace_id, session_id, episode_id, idempotency_key, payload";

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteExperienceLog(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    public Task<IReadOnlyList<AppendResult>> AppendAsync(
        TenantId tenant, IReadOnlyList<NewExperienceRecord> records, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        ExperienceRecordRules.Validate(records);
        return _database.WriteAsync(session => Append(session, tenantId, records), cancellationToken);
    }

    public Task<IReadOnlyList<ExperienceRecord>> QueryAsync(TenantId tenant, LogQuery query, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        return _database.ReadAsync<IReadOnlyList<ExperienceRecord>>(session => Query(session, tenant, tenantId, query), cancellationToken);
    }

    public Task<long> CountAsync(TenantId tenant, LogQuery query, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        return _database.ReadAsync(
            session =>
            {
                var sql = new StringBuilder("SELECT COUNT(*) FROM log WHERE ");
                SqliteCommand command = BuildFilter(session, sql, tenantId, query, suffix: "");
                return (long)command.ExecuteScalar()!;
            },
            cancellationToken);
    }

    public Task<long> GetHeadOffsetAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        return _database.ReadAsync(session => Head(session, tenantId), cancellationToken);
    }

    /// <remarks>One transaction. The writer runs with <c>secure_delete</c>, so the replaced payloads are zeroed in
    /// their pages; a truncating checkpoint then drops the WAL, which still holds the old page images.</remarks>
    public Task<long> RedactAsync(
        TenantId tenant, IReadOnlyList<long> offsets, string reason, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        long[] distinct = LogRedaction.Validate(offsets, reason);
        if (distinct.Length == 0)
        {
            return Task.FromResult(0L);
        }

        string payload = LogRedaction.Payload(reason);
        return _database.WriteAsync(
            session =>
            {
                session.Begin();
                SqliteCommand update = session.Command(RedactSql);
                update.Parameters.AddWithValue("@tenant", tenantId);
                update.Parameters.AddWithValue("@payload", payload);
                SqliteParameter offset = update.Parameters.Add("@offset", SqliteType.Integer);
                long changed = 0;
                foreach (long o in distinct)
                {
                    offset.Value = o;
                    changed += update.ExecuteNonQuery();
                }

                session.Commit();
                session.Command("PRAGMA wal_checkpoint(TRUNCATE)").ExecuteNonQuery();
                return changed;
            },
            cancellationToken);
    }

    private IReadOnlyList<AppendResult> Append(SqliteSession session, string tenantId, IReadOnlyList<NewExperienceRecord> records)
    {
        long recordedAt = UnixMicros.From(_time.GetUtcNow());
        var results = new AppendResult[records.Count];
        Dictionary<string, long>? batchKeys = null;

        session.Begin();
        long head = Head(session, tenantId);
        RawStatement insert = session.Statement(InsertSql);
        insert.Bind(1, tenantId);
        insert.Bind(5, recordedAt);
        RawStatement? insertKeyed = null;

        for (int i = 0; i < records.Count; i++)
        {
            NewExperienceRecord record = records[i];
            RawStatement statement = insert;
            if (record.IdempotencyKey is { } key)
            {
                batchKeys ??= new Dictionary<string, long>(StringComparer.Ordinal);
                if (batchKeys.TryGetValue(key, out long seen))
                {
                    results[i] = new AppendResult(seen, Duplicate: true);
                    continue;
                }

                if (insertKeyed is null)
                {
                    insertKeyed = session.Statement(InsertKeyedSql);
                    insertKeyed.Bind(1, tenantId);
                    insertKeyed.Bind(5, recordedAt);
                }

                statement = insertKeyed;
            }

            statement.Bind(2, head + 1);
            statement.Bind(3, record.Kind);
            statement.Bind(4, record.Timestamp is { } ts ? UnixMicros.From(ts) : recordedAt);
            statement.Bind(6, record.TraceId);
            statement.Bind(7, record.SessionId);
            statement.Bind(8, record.EpisodeId);
            statement.Bind(9, record.IdempotencyKey);
            statement.Bind(10, record.PayloadJson);
            if (statement.Execute() == 0)
            {
                // Only a keyed insert does nothing: its key was stored by an earlier append.
                long first = FirstOffset(session, tenantId, record.IdempotencyKey!);
                results[i] = new AppendResult(first, Duplicate: true);
                batchKeys![record.IdempotencyKey!] = first;
                continue;
            }

            head++;
            if (record.IdempotencyKey is { } stored)
            {
                batchKeys!.Add(stored, head);
            }

            results[i] = new AppendResult(head, Duplicate: false);
        }

        session.Commit();
        return results;
    }

    /// <summary>The offset of the record stored under <paramref name="key"/> (the caller knows there is one).</summary>
    private static long FirstOffset(SqliteSession session, string tenantId, string key)
    {
        RawStatement find = session.Statement(FindKeySql);
        find.Bind(1, tenantId);
        find.Bind(2, key);
        return find.TryQueryInt64(out long offset) ? offset : throw new InvalidOperationException($"No record holds idempotency key '{key}'.");
    }

    private static long Head(SqliteSession session, string tenantId)
    {
        SqliteCommand command = session.Command(HeadSql);
        command.Parameters.AddWithValue("@tenant", tenantId);
        return (long)command.ExecuteScalar()!;
    }

    private static List<ExperienceRecord> Query(SqliteSession session, TenantId tenant, string tenantId, LogQuery query)
    {
        var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM log WHERE ");
        string order = query.Descending ? " ORDER BY log_offset DESC LIMIT @limit" : " ORDER BY log_offset LIMIT @limit";
        SqliteCommand command = BuildFilter(session, sql, tenantId, query, order);
        command.Parameters.AddWithValue("@limit", query.Limit);

        var records = new List<ExperienceRecord>(Math.Min(query.Limit, 256));
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            records.Add(new ExperienceRecord(
                tenant,
                reader.GetInt64(0),
                reader.GetString(1),
                UnixMicros.To(reader.GetInt64(2)),
                UnixMicros.To(reader.GetInt64(3)),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetString(8)));
        }

        return records;
    }

    /// <summary>Appends the WHERE clause for the query's filters and returns a command bound to its parameters.</summary>
    /// <remarks>The SQL text depends only on which filters are set, so commands are cached per shape.</remarks>
    private static SqliteCommand BuildFilter(SqliteSession session, StringBuilder sql, string tenantId, LogQuery query, string suffix)
    {
        var values = new List<(string Name, object Value)> { ("@tenant", tenantId) };
        sql.Append("tenant = @tenant");
        if (query.AfterOffset > 0)
        {
            sql.Append(" AND log_offset > @after");
            values.Add(("@after", query.AfterOffset));
        }

        if (query.BeforeOffset is { } before)
        {
            sql.Append(" AND log_offset < @before");
            values.Add(("@before", before));
        }

        if (query.Kinds.Count > 0)
        {
            sql.Append(" AND kind IN (");
            for (int i = 0; i < query.Kinds.Count; i++)
            {
                string name = "@kind" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                sql.Append(i == 0 ? "" : ", ").Append(name);
                values.Add((name, query.Kinds[i]));
            }

            sql.Append(')');
        }

        if (query.From is { } from)
        {
            sql.Append(" AND ts >= @from");
            values.Add(("@from", UnixMicros.From(from)));
        }

        if (query.To is { } to)
        {
            sql.Append(" AND ts < @to");
            values.Add(("@to", UnixMicros.From(to)));
        }

        AddEquals(sql, values, "trace_id", "@trace_id", query.TraceId);
        AddEquals(sql, values, "session_id", "@session_id", query.SessionId);
        AddEquals(sql, values, "episode_id", "@episode_id", query.EpisodeId);

        SqliteCommand command = session.Command(sql.Append(suffix).ToString());
        foreach ((string name, object value) in values)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static void AddEquals(StringBuilder sql, List<(string Name, object Value)> values, string column, string name, string? value)
    {
        if (value is not null)
        {
            sql.Append(" AND ").Append(column).Append(" = ").Append(name);
            values.Add((name, value));
        }
    }
}
