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
/// per-span insert conflicts on its key (the second waits for the first to commit, then does nothing).
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

    private const string UpsertTrace = """
        INSERT INTO evals.traces AS t (tenant, trace_id, start_us, end_us, root_name, root_known, span_count, error_count,
                                       session_id, user_id, service_name, input_tokens, output_tokens, cost_usd)
        VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10, $11, $12, $13)
        ON CONFLICT (tenant, trace_id) DO UPDATE SET
            start_us = LEAST(t.start_us, excluded.start_us),
            end_us = GREATEST(t.end_us, excluded.end_us),
            root_name = CASE WHEN excluded.root_known OR (NOT t.root_known AND excluded.start_us < t.start_us) THEN excluded.root_name ELSE t.root_name END,
            root_known = t.root_known OR excluded.root_known,
            span_count = t.span_count + 1,
            error_count = t.error_count + excluded.error_count,
            session_id = COALESCE(t.session_id, excluded.session_id),
            user_id = COALESCE(t.user_id, excluded.user_id),
            service_name = COALESCE(t.service_name, excluded.service_name),
            input_tokens = t.input_tokens + excluded.input_tokens,
            output_tokens = t.output_tokens + excluded.output_tokens,
            cost_usd = t.cost_usd + excluded.cost_usd
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
        using var insertSpan = new NpgsqlCommand(
            "INSERT INTO evals.trace_spans (tenant, trace_id, span_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", connection, transaction);
        insertSpan.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = tenantId });
        NpgsqlParameter<string> spanTrace = new() { NpgsqlDbType = NpgsqlDbType.Text };
        NpgsqlParameter<string> spanId = new() { NpgsqlDbType = NpgsqlDbType.Text };
        insertSpan.Parameters.Add(spanTrace);
        insertSpan.Parameters.Add(spanId);
        await insertSpan.PrepareAsync(cancellationToken).ConfigureAwait(false);
        foreach (TraceIndexEntry span in spans)
        {
            spanTrace.TypedValue = span.TraceId;
            spanId.TypedValue = span.SpanId;
            if (await insertSpan.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                continue;
            }

            using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(UpsertTrace)
            {
                Parameters =
                {
                    new() { Value = tenantId }, new() { Value = span.TraceId }, new() { Value = EvalsDatabase.Micros(span.StartTime) },
                    new() { Value = EvalsDatabase.Micros(span.EndTime) }, new() { Value = span.Name }, new() { Value = span.IsRoot },
                    new() { Value = span.IsError ? 1L : 0L }, Nullable(span.SessionId), Nullable(span.UserId), Nullable(span.ServiceName),
                    new() { Value = span.InputTokens }, new() { Value = span.OutputTokens }, new() { Value = span.CostUsd },
                },
            });
            foreach (string model in span.Models)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    "INSERT INTO evals.trace_models (tenant, model, trace_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                {
                    Parameters = { new() { Value = tenantId }, new() { Value = model }, new() { Value = span.TraceId } },
                });
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
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

    private static NpgsqlParameter Nullable(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

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
