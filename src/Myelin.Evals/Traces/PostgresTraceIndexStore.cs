using System.Globalization;
using System.Text;
using Myelin.Core;
using Myelin.Evals.Internal;
using Npgsql;
using NpgsqlTypes;

namespace Myelin.Evals.Traces;

/// <summary>The trace index on PostgreSQL, in the room's own schema (<c>evals</c>) beside the core tables.</summary>
/// <remarks>
/// Thread-safe; pools connections through one <see cref="NpgsqlDataSource"/>. Several servers may share the database:
/// <see cref="MigrateAsync"/> runs under an advisory lock, and a span applied twice at once is counted once because the
/// insert of the span keys conflicts on each key (the second waits for the first to commit, then does nothing).
/// </remarks>
public sealed partial class PostgresTraceIndexStore : ITraceIndexStore
{
    // Distinct from the core migrations' lock; any constant works as long as rooms do not share one.
    private const long MigrationLock = 0x4D79_656C_6976_7472;

    private const string Schema = """
        CREATE SCHEMA IF NOT EXISTS evals;
        CREATE TABLE IF NOT EXISTS evals.trace_spans (
            tenant text COLLATE "C" NOT NULL, trace_id text COLLATE "C" NOT NULL, span_id text COLLATE "C" NOT NULL,
            PRIMARY KEY (tenant, trace_id, span_id));
        CREATE TABLE IF NOT EXISTS evals.traces (
            tenant text COLLATE "C" NOT NULL, trace_id text COLLATE "C" NOT NULL,
            start_us bigint NOT NULL, end_us bigint NOT NULL,
            root_name text NOT NULL, root_known boolean NOT NULL,
            span_count bigint NOT NULL, error_count bigint NOT NULL,
            session_id text COLLATE "C", user_id text COLLATE "C", service_name text,
            input_tokens bigint NOT NULL, output_tokens bigint NOT NULL, cost_usd double precision NOT NULL,
            PRIMARY KEY (tenant, trace_id));
        CREATE INDEX IF NOT EXISTS traces_by_start ON evals.traces (tenant, start_us DESC, trace_id DESC);
        DROP INDEX IF EXISTS evals.traces_by_session;
        DROP INDEX IF EXISTS evals.traces_by_user;
        CREATE INDEX IF NOT EXISTS traces_by_session_start ON evals.traces (tenant, session_id, start_us DESC, trace_id DESC);
        CREATE INDEX IF NOT EXISTS traces_by_user_start ON evals.traces (tenant, user_id, start_us DESC, trace_id DESC);
        CREATE TABLE IF NOT EXISTS evals.trace_models (
            tenant text COLLATE "C" NOT NULL, model text COLLATE "C" NOT NULL, trace_id text COLLATE "C" NOT NULL,
            PRIMARY KEY (tenant, model, trace_id));
        CREATE INDEX IF NOT EXISTS trace_models_by_trace ON evals.trace_models (tenant, trace_id);
        CREATE TABLE IF NOT EXISTS evals.trace_results (
            tenant text COLLATE "C" NOT NULL, trace_id text COLLATE "C" NOT NULL, name text COLLATE "C" NOT NULL, turn integer NOT NULL,
            source text NOT NULL, score double precision, label text NOT NULL, flagged boolean NOT NULL,
            evaluated_us bigint NOT NULL, monitor text NOT NULL,
            PRIMARY KEY (tenant, trace_id, name, turn));
        CREATE INDEX IF NOT EXISTS trace_results_by_name ON evals.trace_results (tenant, name, evaluated_us);
        """;

    private const string InsertSpans = """
        INSERT INTO evals.trace_spans (tenant, trace_id, span_id)
        SELECT $1, u.trace_id, u.span_id FROM unnest($2::text[], $3::text[]) AS u(trace_id, span_id)
        ON CONFLICT DO NOTHING
        RETURNING trace_id, span_id
        """;

    private const string UpsertTraces = """
        INSERT INTO evals.traces AS t (tenant, trace_id, start_us, end_us, root_name, root_known, span_count, error_count,
                                       session_id, user_id, service_name, input_tokens, output_tokens, cost_usd)
        SELECT $1, u.* FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::boolean[], $7::bigint[], $8::bigint[],
                                   $9::text[], $10::text[], $11::text[], $12::bigint[], $13::bigint[], $14::double precision[]) AS u
        ON CONFLICT (tenant, trace_id) DO UPDATE SET
            start_us = LEAST(t.start_us, excluded.start_us),
            end_us = GREATEST(t.end_us, excluded.end_us),
            root_name = CASE WHEN excluded.root_known OR (NOT t.root_known AND excluded.start_us < t.start_us) THEN excluded.root_name ELSE t.root_name END,
            root_known = t.root_known OR excluded.root_known,
            span_count = t.span_count + excluded.span_count,
            error_count = t.error_count + excluded.error_count,
            session_id = COALESCE(t.session_id, excluded.session_id),
            user_id = COALESCE(t.user_id, excluded.user_id),
            service_name = COALESCE(t.service_name, excluded.service_name),
            input_tokens = t.input_tokens + excluded.input_tokens,
            output_tokens = t.output_tokens + excluded.output_tokens,
            cost_usd = t.cost_usd + excluded.cost_usd
        """;

    private const string InsertModels = """
        INSERT INTO evals.trace_models (tenant, model, trace_id)
        SELECT $1, u.model, u.trace_id FROM unnest($2::text[], $3::text[]) AS u(model, trace_id)
        ON CONFLICT DO NOTHING
        """;

    private readonly NpgsqlDataSource _dataSource;

    private PostgresTraceIndexStore(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    /// <summary>Creates the store over a database; call <see cref="MigrateAsync"/> before use.</summary>
    /// <exception cref="MyelinValidationException">The connection string is missing or malformed.</exception>
    public static PostgresTraceIndexStore Open(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new MyelinValidationException("invalid_connection_string", "A PostgreSQL connection string is required.");
        }

        try
        {
            return new PostgresTraceIndexStore(NpgsqlDataSource.Create(connectionString));
        }
        catch (ArgumentException ex)
        {
            // The message names the bad keyword, never the password.
            throw new MyelinValidationException("invalid_connection_string", $"The PostgreSQL connection string is malformed: {ex.Message}");
        }
    }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)") { Parameters = { new() { Value = MigrationLock } } });
            // Each DDL statement is its own batch command: the extended protocol takes one statement per command.
            foreach (string statement in Schema.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ApplyAsync(TenantId tenant, IReadOnlyList<TraceIndexEntry> spans, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(spans);
        if (spans.Count == 0)
        {
            return;
        }

        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        List<TraceIndexEntry> added = await InsertNewSpansAsync(connection, transaction, tenantId, spans, cancellationToken).ConfigureAwait(false);
        if (added.Count > 0)
        {
            // Ordered by trace so concurrent applies lock summary rows in one order and cannot deadlock on each other.
            TraceRollup[] traces = [.. TraceRollup.Group(added).OrderBy(r => r.TraceId, StringComparer.Ordinal)];
            using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(UpsertTraces)
            {
                Parameters =
                {
                    Text(tenantId), TextArray([.. traces.Select(r => r.TraceId)]), BigintArray([.. traces.Select(r => r.StartMicros)]),
                    BigintArray([.. traces.Select(r => r.EndMicros)]), TextArray([.. traces.Select(r => r.RootName)]),
                    new NpgsqlParameter<bool[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean, TypedValue = [.. traces.Select(r => r.RootKnown)] },
                    BigintArray([.. traces.Select(r => r.SpanCount)]), BigintArray([.. traces.Select(r => r.ErrorCount)]),
                    TextArray([.. traces.Select(r => r.SessionId)]), TextArray([.. traces.Select(r => r.UserId)]),
                    TextArray([.. traces.Select(r => r.ServiceName)]), BigintArray([.. traces.Select(r => r.InputTokens)]),
                    BigintArray([.. traces.Select(r => r.OutputTokens)]),
                    new NpgsqlParameter<double[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double, TypedValue = [.. traces.Select(r => r.CostUsd)] },
                },
            });
            (string Model, string TraceId)[] models = [.. traces.SelectMany(r => r.Models.Select(m => (m, r.TraceId)))];
            if (models.Length > 0)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(InsertModels)
                {
                    Parameters = { Text(tenantId), TextArray([.. models.Select(m => m.Model)]), TextArray([.. models.Select(m => m.TraceId)]) },
                });
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts the span keys in one statement and returns the spans it added, in input order (a key repeated in the batch counts once).</summary>
    private static async Task<List<TraceIndexEntry>> InsertNewSpansAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, IReadOnlyList<TraceIndexEntry> spans,
        CancellationToken cancellationToken)
    {
        // Sorted keys: concurrent applies of overlapping spans take the key locks in one order.
        TraceIndexEntry[] sorted = [.. spans.OrderBy(s => s.TraceId, StringComparer.Ordinal).ThenBy(s => s.SpanId, StringComparer.Ordinal)];
        using var insert = new NpgsqlCommand(InsertSpans, connection, transaction)
        {
            Parameters = { Text(tenantId), TextArray([.. sorted.Select(s => s.TraceId)]), TextArray([.. sorted.Select(s => s.SpanId)]) },
        };
        var inserted = new HashSet<(string TraceId, string SpanId)>();
        NpgsqlDataReader reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                inserted.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var added = new List<TraceIndexEntry>(inserted.Count);
        foreach (TraceIndexEntry span in spans)
        {
            if (inserted.Remove((span.TraceId, span.SpanId)))
            {
                added.Add(span);
            }
        }

        return added;
    }

    /// <inheritdoc />
    public async Task<TracePage> ListAsync(TenantId tenant, TraceQuery query, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        using NpgsqlCommand command = _dataSource.CreateCommand();
        var sql = new StringBuilder("""
            SELECT t.trace_id, t.start_us, t.end_us, t.root_name, t.span_count, t.error_count, t.session_id, t.user_id,
                   t.input_tokens, t.output_tokens, t.cost_usd, t.service_name,
                   (SELECT string_agg(m.model, chr(31) ORDER BY m.model) FROM evals.trace_models m
                       WHERE m.tenant = t.tenant AND m.trace_id = t.trace_id)
            FROM evals.traces t WHERE t.tenant = @tenant
            """);
        command.Parameters.AddWithValue("tenant", tenantId);
        AddFilter(command, sql, " AND t.session_id = @session", "session", query.SessionId);
        AddFilter(command, sql, " AND t.user_id = @user", "user", query.UserId);
        AddFilter(command, sql, " AND EXISTS (SELECT 1 FROM evals.trace_models x WHERE x.tenant = t.tenant AND x.model = @model AND x.trace_id = t.trace_id)", "model", query.Model);
        AddFilter(command, sql, " AND t.start_us >= @from", "from", query.From is { } from ? EvalsDatabase.Micros(from) : null);
        AddFilter(command, sql, " AND t.start_us < @to", "to", query.To is { } to ? EvalsDatabase.Micros(to) : null);
        AddFilter(command, sql, """
             AND EXISTS (SELECT 1 FROM evals.trace_results r WHERE r.tenant = t.tenant AND r.trace_id = t.trace_id
                         AND r.name = @finding AND r.source = 'detector' AND r.flagged)
            """, "finding", query.Finding);
        for (int i = 0; i < query.Scores.Count; i++)
        {
            ScoreFilter filter = query.Scores[i];
            string op = filter.Operator switch
            {
                "<" or "<=" or ">" or ">=" => filter.Operator,
                _ => throw new MyelinValidationException("invalid_score_filter", $"Unknown score operator '{filter.Operator}'."),
            };
            string n = "sn" + i.ToString(CultureInfo.InvariantCulture);
            string v = "sv" + i.ToString(CultureInfo.InvariantCulture);
            sql.Append(" AND EXISTS (SELECT 1 FROM evals.trace_results r WHERE r.tenant = t.tenant AND r.trace_id = t.trace_id AND r.name = @")
                .Append(n).Append(" AND r.score ").Append(op).Append(" @").Append(v).Append(')');
            command.Parameters.AddWithValue(n, filter.Name);
            command.Parameters.AddWithValue(v, filter.Value);
        }

        if (query.Cursor is not null)
        {
            (long startMicros, string traceId) = TraceQuery.ParseCursor(query.Cursor);
            sql.Append(" AND (t.start_us < @cstart OR (t.start_us = @cstart AND t.trace_id < @ctrace))");
            command.Parameters.AddWithValue("cstart", startMicros);
            command.Parameters.AddWithValue("ctrace", traceId);
        }

        sql.Append(" ORDER BY t.start_us DESC, t.trace_id DESC LIMIT @limit");
        command.Parameters.AddWithValue("limit", query.Limit);
        command.CommandText = sql.ToString();

        var traces = new List<TraceSummary>();
        long lastStart = 0;
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                lastStart = reader.GetInt64(1);
                traces.Add(new TraceSummary(
                    reader.GetString(0),
                    EvalsDatabase.FromMicros(lastStart),
                    EvalsDatabase.FromMicros(reader.GetInt64(2)),
                    reader.GetString(3),
                    reader.GetInt64(4),
                    reader.GetInt64(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7),
                    reader.IsDBNull(12) ? [] : reader.GetString(12).Split('\u001f'),
                    reader.GetInt64(8),
                    reader.GetInt64(9),
                    reader.GetDouble(10),
                    reader.IsDBNull(11) ? null : reader.GetString(11)));
            }
        }

        string? next = traces.Count == query.Limit ? TraceQuery.FormatCursor(lastStart, traces[^1].TraceId) : null;
        return new TracePage(traces, next);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static NpgsqlParameter<string> Text(string value) => new() { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = value };

    private static NpgsqlParameter<string?[]> TextArray(string?[] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = values };

    private static NpgsqlParameter<long[]> BigintArray(long[] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = values };

    private static void AddFilter(NpgsqlCommand command, StringBuilder sql, string clause, string name, object? value)
    {
        if (value is null)
        {
            return;
        }

        sql.Append(clause);
        command.Parameters.AddWithValue(name, value);
    }
}
