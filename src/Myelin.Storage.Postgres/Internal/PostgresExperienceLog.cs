using System.Text;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Core.Log;
using Npgsql;
using NpgsqlTypes;

namespace Myelin.Storage.Postgres.Internal;

/// <summary>The experience log on PostgreSQL.</summary>
/// <remarks>
/// Offsets come from a <c>tenant_heads</c> row locked <c>FOR UPDATE</c> for the whole append transaction, so appends of
/// one tenant serialise (across servers too) and acknowledged offsets have no gaps; other tenants append in parallel.
/// </remarks>
internal sealed class PostgresExperienceLog : IExperienceLog
{
    // One round trip that creates the tenant's head row when missing, row-locks it (as FOR UPDATE would) until commit,
    // and returns the latest committed head even when it had to wait for another append of the same tenant.
    private const string LockHeadSql = """
        INSERT INTO tenant_heads (tenant, head) VALUES (@tenant, 0)
        ON CONFLICT (tenant) DO UPDATE SET head = tenant_heads.head
        RETURNING head
        """;

    private const string InsertSql = """
        INSERT INTO log (tenant, log_offset, kind, ts, recorded_at, trace_id, session_id, episode_id, idempotency_key, payload)
        SELECT @tenant, u.o, u.k, u.t, @recorded_at, u.tr, u.se, u.ep, u.ik, u.p
        FROM unnest(@offsets, @kinds, @ts, @traces, @sessions, @episodes, @keys, @payloads) AS u(o, k, t, tr, se, ep, ik, p);
        UPDATE tenant_heads SET head = @head WHERE tenant = @tenant;
        """;

    private const string Columns = "log_offset, kind, ts, recorded_at, trace_id, session_id, episode_id, idempotency_key, payload";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;

    public PostgresExperienceLog(NpgsqlDataSource dataSource, TimeProvider time)
    {
        _dataSource = dataSource;
        _time = time;
    }

    public async Task<IReadOnlyList<AppendResult>> AppendAsync(
        TenantId tenant, IReadOnlyList<NewExperienceRecord> records, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        ExperienceRecordRules.Validate(records);
        long recordedAt = UnixMicros.From(_time.GetUtcNow());

        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        await using var connectionScope = connection.ConfigureAwait(false);
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);

        long head;
        using (var lockHead = new NpgsqlCommand(LockHeadSql, connection, transaction))
        {
            lockHead.Parameters.AddWithValue("tenant", tenantId);
            head = (long)(await lockHead.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        Dictionary<string, long> known = await FindKeysAsync(connection, transaction, tenantId, records, cancellationToken).ConfigureAwait(false);
        var results = new AppendResult[records.Count];
        var rows = new List<NewExperienceRecord>(records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            NewExperienceRecord record = records[i];
            if (record.IdempotencyKey is { } key)
            {
                if (known.TryGetValue(key, out long seen))
                {
                    results[i] = new AppendResult(seen, Duplicate: true);
                    continue;
                }

                known.Add(key, head + 1);
            }

            head++;
            rows.Add(record);
            results[i] = new AppendResult(head, Duplicate: false);
        }

        if (rows.Count > 0)
        {
            await InsertAsync(connection, transaction, tenantId, recordedAt, rows, head, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return results;
    }

    public async Task<IReadOnlyList<ExperienceRecord>> QueryAsync(TenantId tenant, LogQuery query, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();

        var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM log WHERE ");
        using NpgsqlCommand command = BuildFilter(sql, tenantId, query);
        command.CommandText += query.Descending ? " ORDER BY log_offset DESC LIMIT @limit" : " ORDER BY log_offset LIMIT @limit";
        command.Parameters.AddWithValue("limit", query.Limit);

        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        await using var connectionScope = connection.ConfigureAwait(false);
        command.Connection = connection;
        var records = new List<ExperienceRecord>(Math.Min(query.Limit, 256));
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
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

    public async Task<long> CountAsync(TenantId tenant, LogQuery query, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();

        using NpgsqlCommand command = BuildFilter(new StringBuilder("SELECT COUNT(*) FROM log WHERE "), tenantId, query);
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        command.Connection = connection;
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<long> GetHeadOffsetAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        using NpgsqlCommand command = _dataSource.CreateCommand("SELECT head FROM tenant_heads WHERE tenant = @tenant");
        command.Parameters.AddWithValue("tenant", tenantId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long head ? head : 0;
    }

    /// <remarks>One statement, so all or none of the offsets are redacted. PostgreSQL keeps the old row versions
    /// until (auto)vacuum reclaims them, and reclaimed space is reused rather than zeroed: unlike the SQLite provider,
    /// this one cannot promise the old bytes are gone from the data files at once.</remarks>
    public async Task<long> RedactAsync(
        TenantId tenant, IReadOnlyList<long> offsets, string reason, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        long[] distinct = LogRedaction.Validate(offsets, reason);
        if (distinct.Length == 0)
        {
            return 0;
        }

        using NpgsqlCommand command = _dataSource.CreateCommand(
            "UPDATE log SET payload = @payload WHERE tenant = @tenant AND log_offset = ANY(@offsets)");
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("payload", LogRedaction.Payload(reason));
        command.Parameters.AddWithValue("offsets", distinct);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Dictionary<string, long>> FindKeysAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, IReadOnlyList<NewExperienceRecord> records,
        CancellationToken cancellationToken)
    {
        var known = new Dictionary<string, long>(StringComparer.Ordinal);
        string[] keys = [.. records.Select(r => r.IdempotencyKey).OfType<string>().Distinct(StringComparer.Ordinal)];
        if (keys.Length == 0)
        {
            return known;
        }

        using var find = new NpgsqlCommand(
            "SELECT idempotency_key, log_offset FROM log WHERE tenant = @tenant AND idempotency_key = ANY(@keys)", connection, transaction);
        find.Parameters.AddWithValue("tenant", tenantId);
        find.Parameters.AddWithValue("keys", keys);
        NpgsqlDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            known[reader.GetString(0)] = reader.GetInt64(1);
        }

        return known;
    }

    private static async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, long recordedAt, List<NewExperienceRecord> rows,
        long head, CancellationToken cancellationToken)
    {
        int n = rows.Count;
        var offsets = new long[n];
        var kinds = new string[n];
        var timestamps = new long[n];
        var traces = new string?[n];
        var sessions = new string?[n];
        var episodes = new string?[n];
        var keys = new string?[n];
        var payloads = new string[n];
        for (int i = 0; i < n; i++)
        {
            NewExperienceRecord record = rows[i];
            offsets[i] = head - n + 1 + i;
            kinds[i] = record.Kind;
            timestamps[i] = record.Timestamp is { } ts ? UnixMicros.From(ts) : recordedAt;
            traces[i] = record.TraceId;
            sessions[i] = record.SessionId;
            episodes[i] = record.EpisodeId;
            keys[i] = record.IdempotencyKey;
            payloads[i] = record.PayloadJson;
        }

        using var insert = new NpgsqlCommand(InsertSql, connection, transaction);
        insert.Parameters.AddWithValue("tenant", tenantId);
        insert.Parameters.AddWithValue("recorded_at", recordedAt);
        insert.Parameters.AddWithValue("head", head);
        insert.Parameters.Add(new NpgsqlParameter<long[]>("offsets", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = offsets });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("kinds", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = kinds });
        insert.Parameters.Add(new NpgsqlParameter<long[]>("ts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = timestamps });
        insert.Parameters.Add(new NpgsqlParameter<string?[]>("traces", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = traces });
        insert.Parameters.Add(new NpgsqlParameter<string?[]>("sessions", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = sessions });
        insert.Parameters.Add(new NpgsqlParameter<string?[]>("episodes", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = episodes });
        insert.Parameters.Add(new NpgsqlParameter<string?[]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = keys });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("payloads", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = payloads });
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A command whose text is the WHERE clause for the query's filters, with its parameters bound.</summary>
    private static NpgsqlCommand BuildFilter(StringBuilder sql, string tenantId, LogQuery query)
    {
        var command = new NpgsqlCommand();
        command.Parameters.AddWithValue("tenant", tenantId);
        sql.Append("tenant = @tenant");
        if (query.AfterOffset > 0)
        {
            sql.Append(" AND log_offset > @after");
            command.Parameters.AddWithValue("after", query.AfterOffset);
        }

        if (query.BeforeOffset is { } before)
        {
            sql.Append(" AND log_offset < @before");
            command.Parameters.AddWithValue("before", before);
        }

        if (query.Kinds.Count > 0)
        {
            sql.Append(" AND kind = ANY(@kinds)");
            command.Parameters.AddWithValue("kinds", query.Kinds.ToArray());
        }

        if (query.From is { } from)
        {
            sql.Append(" AND ts >= @from");
            command.Parameters.AddWithValue("from", UnixMicros.From(from));
        }

        if (query.To is { } to)
        {
            sql.Append(" AND ts < @to");
            command.Parameters.AddWithValue("to", UnixMicros.From(to));
        }

        AddEquals(command, sql, "trace_id", query.TraceId);
        AddEquals(command, sql, "session_id", query.SessionId);
        AddEquals(command, sql, "episode_id", query.EpisodeId);
        command.CommandText = sql.ToString();
        return command;
    }

    private static void AddEquals(NpgsqlCommand command, StringBuilder sql, string column, string? value)
    {
        if (value is not null)
        {
            sql.Append(" AND ").Append(column).Append(" = @").Append(column);
            command.Parameters.AddWithValue(column, value);
        }
    }
}
