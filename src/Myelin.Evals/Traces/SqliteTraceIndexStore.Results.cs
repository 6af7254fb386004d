using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Evals.Internal;

namespace Myelin.Evals.Traces;

/// <summary>Evaluator scores and detector verdicts per trace turn (<c>trace_results</c>), for filters, rates and agreement.</summary>
public sealed partial class SqliteTraceIndexStore
{
    /// <summary>The most trace ids one <see cref="GetTraceLabelsAsync"/> call takes.</summary>
    public const int MaxLabelTraces = 10_000;

    private const string UpsertResult = """
        INSERT INTO trace_results (tenant, trace_id, name, turn, source, score, label, flagged, evaluated_us, monitor)
        VALUES (@tenant, @trace, @name, @turn, @source, @score, @label, @flagged, @at, @monitor)
        ON CONFLICT (tenant, trace_id, name, turn) DO UPDATE SET
            source = excluded.source, score = excluded.score, label = excluded.label, flagged = excluded.flagged,
            evaluated_us = excluded.evaluated_us, monitor = excluded.monitor
        """;

    /// <inheritdoc />
    public Task ApplyResultsAsync(TenantId tenant, IReadOnlyList<TraceResult> results, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(results);
        foreach (TraceResult result in results)
        {
            ArgumentNullException.ThrowIfNull(result);
            ArgumentException.ThrowIfNullOrEmpty(result.TraceId);
            ArgumentException.ThrowIfNullOrEmpty(result.Name);
        }

        return _database.WriteAsync(
            (connection, transaction) =>
            {
                using SqliteCommand command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = UpsertResult;
                foreach (TraceResult r in results)
                {
                    command.Parameters.Clear();
                    command.Parameters.AddWithValue("@tenant", tenantId);
                    command.Parameters.AddWithValue("@trace", r.TraceId);
                    command.Parameters.AddWithValue("@name", r.Name);
                    command.Parameters.AddWithValue("@turn", r.TurnIndex);
                    command.Parameters.AddWithValue("@source", SourceName(r.Source));
                    command.Parameters.AddWithValue("@score", r.Score is { } score ? score : DBNull.Value);
                    command.Parameters.AddWithValue("@label", r.Label);
                    command.Parameters.AddWithValue("@flagged", r.Flagged ? 1 : 0);
                    command.Parameters.AddWithValue("@at", EvalsDatabase.Micros(r.EvaluatedAt));
                    command.Parameters.AddWithValue("@monitor", r.Monitor);
                    command.ExecuteNonQuery();
                }

                return results.Count;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TraceResult>> GetResultsAsync(TenantId tenant, string traceId, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(traceId);
        SqliteConnection connection = _database.OpenReader();
        await using ConfiguredAsyncDisposable connectionScope = connection.ConfigureAwait(false);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = """
            SELECT trace_id, name, source, turn, score, label, flagged, evaluated_us, monitor FROM trace_results
            WHERE tenant = @tenant AND trace_id = @trace ORDER BY name, turn
            """;
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@trace", traceId);
        var results = new List<TraceResult>();
        SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                results.Add(new TraceResult(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2) == "detector" ? TraceResultSource.Detector : TraceResultSource.Evaluator,
                    reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetDouble(4),
                    reader.GetString(5),
                    reader.GetInt64(6) != 0,
                    EvalsDatabase.FromMicros(reader.GetInt64(7)),
                    reader.GetString(8)));
            }
        }

        return results;
    }

    /// <inheritdoc />
    public async Task<WindowedRate> GetRateAsync(
        TenantId tenant, string name, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentException.ThrowIfNullOrEmpty(name);
        SqliteConnection connection = _database.OpenReader();
        await using ConfiguredAsyncDisposable connectionScope = connection.ConfigureAwait(false);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = """
            SELECT COUNT(*), COALESCE(SUM(bad), 0), AVG(mean) FROM (
                SELECT MAX(flagged) AS bad, AVG(score) AS mean FROM trace_results
                WHERE tenant = @tenant AND name = @name AND evaluated_us >= @from AND evaluated_us < @to
                GROUP BY trace_id)
            """;
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@name", name);
        command.Parameters.AddWithValue("@from", EvalsDatabase.Micros(from));
        command.Parameters.AddWithValue("@to", EvalsDatabase.Micros(to));
        SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new WindowedRate(name, from, to, reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetDouble(2));
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, string>> GetTraceLabelsAsync(
        TenantId tenant, string name, IReadOnlyCollection<string> traceIds, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(traceIds);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(traceIds.Count, MaxLabelTraces);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (traceIds.Count == 0)
        {
            return labels;
        }

        SqliteConnection connection = _database.OpenReader();
        await using ConfiguredAsyncDisposable connectionScope = connection.ConfigureAwait(false);
        using SqliteCommand command = connection.CreateCommand();
        // The ids travel as one JSON array (json_each) rather than thousands of parameters.
        var ids = new StringBuilder("[");
        foreach (string id in traceIds)
        {
            ids.Append(ids.Length > 1 ? "," : string.Empty).Append('"').Append(JsonEncodedText.Encode(id).ToString()).Append('"');
        }

        command.CommandText = """
            SELECT trace_id, label FROM trace_results
            WHERE tenant = @tenant AND name = @name AND trace_id IN (SELECT value FROM json_each(@ids))
            ORDER BY trace_id, flagged DESC, turn
            """;
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@name", name);
        command.Parameters.AddWithValue("@ids", ids.Append(']').ToString());
        SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                labels.TryAdd(reader.GetString(0), reader.GetString(1));
            }
        }

        return labels;
    }

    private static string SourceName(TraceResultSource source) => source == TraceResultSource.Detector ? "detector" : "evaluator";
}
