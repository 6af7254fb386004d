using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Evals.Internal;

namespace Myelin.Evals.Traces;

/// <summary>The trace index on SQLite, in its own database file (<c>{data}/evals.db</c>, WAL, <c>synchronous=FULL</c>).</summary>
/// <remarks>
/// Thread-safe: writes go through the room's <see cref="EvalsDatabase"/> (one writer connection behind a lock); each read
/// opens its own connection, which WAL lets run beside the writer. The file is separate from the core database so the room's tables never mix with the log's.
/// </remarks>
public sealed partial class SqliteTraceIndexStore : ITraceIndexStore
{
    /// <summary>The file name inside the data directory.</summary>
    public const string FileName = EvalsDatabase.FileName;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS trace_spans (
            tenant TEXT NOT NULL, trace_id TEXT NOT NULL, span_id TEXT NOT NULL,
            PRIMARY KEY (tenant, trace_id, span_id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS traces (
            tenant TEXT NOT NULL, trace_id TEXT NOT NULL,
            start_us INTEGER NOT NULL, end_us INTEGER NOT NULL,
            root_name TEXT NOT NULL, root_known INTEGER NOT NULL,
            span_count INTEGER NOT NULL, error_count INTEGER NOT NULL,
            session_id TEXT, user_id TEXT, service_name TEXT,
            input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL,
            PRIMARY KEY (tenant, trace_id));
        CREATE INDEX IF NOT EXISTS traces_by_start ON traces (tenant, start_us DESC, trace_id DESC);
        DROP INDEX IF EXISTS traces_by_session;
        DROP INDEX IF EXISTS traces_by_user;
        CREATE INDEX IF NOT EXISTS traces_by_session_start ON traces (tenant, session_id, start_us DESC, trace_id DESC);
        CREATE INDEX IF NOT EXISTS traces_by_user_start ON traces (tenant, user_id, start_us DESC, trace_id DESC);
        CREATE TABLE IF NOT EXISTS trace_models (
            tenant TEXT NOT NULL, model TEXT NOT NULL, trace_id TEXT NOT NULL,
            PRIMARY KEY (tenant, model, trace_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS trace_models_by_trace ON trace_models (tenant, trace_id);
        CREATE TABLE IF NOT EXISTS trace_results (
            tenant TEXT NOT NULL, trace_id TEXT NOT NULL, name TEXT NOT NULL, turn INTEGER NOT NULL,
            source TEXT NOT NULL, score REAL, label TEXT NOT NULL, flagged INTEGER NOT NULL,
            evaluated_us INTEGER NOT NULL, monitor TEXT NOT NULL,
            PRIMARY KEY (tenant, trace_id, name, turn)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS trace_results_by_name ON trace_results (tenant, name, evaluated_us);
        PRAGMA user_version = 3;
        """;

    private const string UpsertTrace = """
        INSERT INTO traces (tenant, trace_id, start_us, end_us, root_name, root_known, span_count, error_count,
                            session_id, user_id, service_name, input_tokens, output_tokens, cost_usd)
        VALUES (@tenant, @trace, @start, @end, @name, @root, @count, @error, @session, @user, @service, @in, @out, @cost)
        ON CONFLICT (tenant, trace_id) DO UPDATE SET
            start_us = MIN(start_us, excluded.start_us),
            end_us = MAX(end_us, excluded.end_us),
            root_name = CASE WHEN excluded.root_known = 1 OR root_known = 0 AND excluded.start_us < start_us THEN excluded.root_name ELSE root_name END,
            root_known = MAX(root_known, excluded.root_known),
            span_count = span_count + excluded.span_count,
            error_count = error_count + excluded.error_count,
            session_id = COALESCE(session_id, excluded.session_id),
            user_id = COALESCE(user_id, excluded.user_id),
            service_name = COALESCE(service_name, excluded.service_name),
            input_tokens = input_tokens + excluded.input_tokens,
            output_tokens = output_tokens + excluded.output_tokens,
            cost_usd = cost_usd + excluded.cost_usd
        """;

    private readonly EvalsDatabase _database;

    private SqliteTraceIndexStore(EvalsDatabase database) => _database = database;

    /// <summary>The database file.</summary>
    public string FilePath => _database.FilePath;

    /// <summary>Opens (creating when missing, with its schema) <c>evals.db</c> in <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="MyelinValidationException">The directory is empty.</exception>
    public static SqliteTraceIndexStore Open(string dataDirectory) => new(EvalsDatabase.Open(dataDirectory, Schema));

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken = default) => _database.WriteAsync(
        (connection, transaction) =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Schema;
            return command.ExecuteNonQuery();
        },
        cancellationToken);

    /// <inheritdoc />
    public Task ApplyAsync(TenantId tenant, IReadOnlyList<TraceIndexEntry> spans, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(spans);
        return _database.WriteAsync((connection, transaction) => Apply(connection, transaction, tenantId, spans), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<TracePage> ListAsync(TenantId tenant, TraceQuery query, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        SqliteConnection connection = _database.OpenReader();
        await using ConfiguredAsyncDisposable connectionScope = connection.ConfigureAwait(false);
        using SqliteCommand command = connection.CreateCommand();
        var sql = new StringBuilder("""
            SELECT t.trace_id, t.start_us, t.end_us, t.root_name, t.span_count, t.error_count, t.session_id, t.user_id,
                   t.input_tokens, t.output_tokens, t.cost_usd, t.service_name,
                   (SELECT group_concat(m.model, char(31)) FROM (SELECT model FROM trace_models m
                       WHERE m.tenant = t.tenant AND m.trace_id = t.trace_id ORDER BY model) m)
            FROM traces t
            """);
        // Without statistics SQLite tends to walk the start-time index and test every row for a session or user; the
        // (tenant, session|user, start, id) indexes serve the equality, the time range and the order at once.
        sql.Append(query.SessionId is not null ? " INDEXED BY traces_by_session_start" : query.UserId is not null ? " INDEXED BY traces_by_user_start" : string.Empty);
        sql.Append(" WHERE t.tenant = @tenant");
        command.Parameters.AddWithValue("@tenant", tenantId);
        AddFilter(command, sql, " AND t.session_id = @session", "@session", query.SessionId);
        AddFilter(command, sql, " AND t.user_id = @user", "@user", query.UserId);
        AddFilter(command, sql, " AND EXISTS (SELECT 1 FROM trace_models x WHERE x.tenant = t.tenant AND x.model = @model AND x.trace_id = t.trace_id)", "@model", query.Model);
        AddFilter(command, sql, " AND t.start_us >= @from", "@from", query.From is { } from ? EvalsDatabase.Micros(from) : null);
        AddFilter(command, sql, " AND t.start_us < @to", "@to", query.To is { } to ? EvalsDatabase.Micros(to) : null);
        AddFilter(command, sql, """
             AND EXISTS (SELECT 1 FROM trace_results r WHERE r.tenant = t.tenant AND r.trace_id = t.trace_id
                         AND r.name = @finding AND r.source = 'detector' AND r.flagged = 1)
            """, "@finding", query.Finding);
        for (int i = 0; i < query.Scores.Count; i++)
        {
            ScoreFilter filter = query.Scores[i];
            string op = filter.Operator switch
            {
                "<" or "<=" or ">" or ">=" => filter.Operator,
                _ => throw new MyelinValidationException("invalid_score_filter", $"Unknown score operator '{filter.Operator}'."),
            };
            string n = "@sn" + i.ToString(CultureInfo.InvariantCulture);
            string v = "@sv" + i.ToString(CultureInfo.InvariantCulture);
            sql.Append(" AND EXISTS (SELECT 1 FROM trace_results r WHERE r.tenant = t.tenant AND r.trace_id = t.trace_id AND r.name = ")
                .Append(n).Append(" AND r.score ").Append(op).Append(' ').Append(v).Append(')');
            command.Parameters.AddWithValue(n, filter.Name);
            command.Parameters.AddWithValue(v, filter.Value);
        }

        if (query.Cursor is not null)
        {
            (long startMicros, string traceId) = TraceQuery.ParseCursor(query.Cursor);
            sql.Append(" AND (t.start_us < @cstart OR (t.start_us = @cstart AND t.trace_id < @ctrace))");
            command.Parameters.AddWithValue("@cstart", startMicros);
            command.Parameters.AddWithValue("@ctrace", traceId);
        }

        sql.Append(" ORDER BY t.start_us DESC, t.trace_id DESC LIMIT @limit");
        command.Parameters.AddWithValue("@limit", query.Limit);
        command.CommandText = sql.ToString();

        var traces = new List<TraceSummary>();
        long lastStart = 0;
        SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
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
    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private static int Apply(SqliteConnection connection, SqliteTransaction transaction, string tenantId, IReadOnlyList<TraceIndexEntry> spans)
    {
        // The span key is what makes a replay count once: only spans this insert adds reach the traces' rollups.
        using SqliteCommand insertSpan = Prepare(
            connection, transaction, "INSERT OR IGNORE INTO trace_spans (tenant, trace_id, span_id) VALUES (@tenant, @trace, @span)");
        insertSpan.Parameters.AddWithValue("@tenant", tenantId);
        SqliteParameter spanTrace = insertSpan.Parameters.Add("@trace", SqliteType.Text);
        SqliteParameter spanId = insertSpan.Parameters.Add("@span", SqliteType.Text);
        var added = new List<TraceIndexEntry>(spans.Count);
        foreach (TraceIndexEntry span in spans)
        {
            spanTrace.Value = span.TraceId;
            spanId.Value = span.SpanId;
            if (insertSpan.ExecuteNonQuery() != 0)
            {
                added.Add(span);
            }
        }

        List<TraceRollup> traces = TraceRollup.Group(added);
        using SqliteCommand upsert = Prepare(connection, transaction, UpsertTrace);
        upsert.Parameters.AddWithValue("@tenant", tenantId);
        SqliteParameter trace = upsert.Parameters.Add("@trace", SqliteType.Text);
        SqliteParameter start = upsert.Parameters.Add("@start", SqliteType.Integer);
        SqliteParameter end = upsert.Parameters.Add("@end", SqliteType.Integer);
        SqliteParameter name = upsert.Parameters.Add("@name", SqliteType.Text);
        SqliteParameter root = upsert.Parameters.Add("@root", SqliteType.Integer);
        SqliteParameter count = upsert.Parameters.Add("@count", SqliteType.Integer);
        SqliteParameter errors = upsert.Parameters.Add("@error", SqliteType.Integer);
        SqliteParameter session = upsert.Parameters.Add("@session", SqliteType.Text);
        SqliteParameter user = upsert.Parameters.Add("@user", SqliteType.Text);
        SqliteParameter service = upsert.Parameters.Add("@service", SqliteType.Text);
        SqliteParameter input = upsert.Parameters.Add("@in", SqliteType.Integer);
        SqliteParameter output = upsert.Parameters.Add("@out", SqliteType.Integer);
        SqliteParameter cost = upsert.Parameters.Add("@cost", SqliteType.Real);
        using SqliteCommand insertModel = Prepare(
            connection, transaction, "INSERT OR IGNORE INTO trace_models (tenant, model, trace_id) VALUES (@tenant, @model, @trace)");
        insertModel.Parameters.AddWithValue("@tenant", tenantId);
        SqliteParameter model = insertModel.Parameters.Add("@model", SqliteType.Text);
        SqliteParameter modelTrace = insertModel.Parameters.Add("@trace", SqliteType.Text);
        foreach (TraceRollup rollup in traces)
        {
            trace.Value = rollup.TraceId;
            start.Value = rollup.StartMicros;
            end.Value = rollup.EndMicros;
            name.Value = rollup.RootName;
            root.Value = rollup.RootKnown ? 1 : 0;
            count.Value = rollup.SpanCount;
            errors.Value = rollup.ErrorCount;
            session.Value = (object?)rollup.SessionId ?? DBNull.Value;
            user.Value = (object?)rollup.UserId ?? DBNull.Value;
            service.Value = (object?)rollup.ServiceName ?? DBNull.Value;
            input.Value = rollup.InputTokens;
            output.Value = rollup.OutputTokens;
            cost.Value = rollup.CostUsd;
            upsert.ExecuteNonQuery();
            modelTrace.Value = rollup.TraceId;
            foreach (string m in rollup.Models)
            {
                model.Value = m;
                insertModel.ExecuteNonQuery();
            }
        }

        return added.Count;
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void AddFilter(SqliteCommand command, StringBuilder sql, string clause, string name, object? value)
    {
        if (value is null)
        {
            return;
        }

        sql.Append(clause);
        command.Parameters.AddWithValue(name, value);
    }
}
