using Myelin.Core;
using Myelin.Evals.Internal;
using Npgsql;
using NpgsqlTypes;

namespace Myelin.Evals.Traces;

/// <summary>Evaluator scores and detector verdicts per trace turn (<c>evals.trace_results</c>), for filters, rates and agreement.</summary>
public sealed partial class PostgresTraceIndexStore
{
    private const string UpsertResult = """
        INSERT INTO evals.trace_results (tenant, trace_id, name, turn, source, score, label, flagged, evaluated_us, monitor)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        ON CONFLICT (tenant, trace_id, name, turn) DO UPDATE SET
            source = excluded.source, score = excluded.score, label = excluded.label, flagged = excluded.flagged,
            evaluated_us = excluded.evaluated_us, monitor = excluded.monitor
        """;

    /// <inheritdoc />
    public async Task ApplyResultsAsync(TenantId tenant, IReadOnlyList<TraceResult> results, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(results);
        foreach (TraceResult result in results)
        {
            ArgumentNullException.ThrowIfNull(result);
            ArgumentException.ThrowIfNullOrEmpty(result.TraceId);
            ArgumentException.ThrowIfNullOrEmpty(result.Name);
        }

        if (results.Count == 0)
        {
            return;
        }

        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (TraceResult r in results)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(UpsertResult)
                {
                    Parameters =
                    {
                        new() { Value = tenantId }, new() { Value = r.TraceId }, new() { Value = r.Name }, new() { Value = r.TurnIndex },
                        new() { Value = r.Source == TraceResultSource.Detector ? "detector" : "evaluator" },
                        new() { Value = r.Score is { } score ? score : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double },
                        new() { Value = r.Label }, new() { Value = r.Flagged }, new() { Value = EvalsDatabase.Micros(r.EvaluatedAt) },
                        new() { Value = r.Monitor },
                    },
                });
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TraceResult>> GetResultsAsync(TenantId tenant, string traceId, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(traceId);
        using NpgsqlCommand command = _dataSource.CreateCommand("""
            SELECT trace_id, name, source, turn, score, label, flagged, evaluated_us, monitor FROM evals.trace_results
            WHERE tenant = $1 AND trace_id = $2 ORDER BY name, turn
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = traceId });
        var results = new List<TraceResult>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
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
                    reader.GetBoolean(6),
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
        using NpgsqlCommand command = _dataSource.CreateCommand("""
            SELECT COUNT(*), COALESCE(SUM(bad), 0)::bigint, AVG(mean) FROM (
                SELECT MAX(flagged::int) AS bad, AVG(score) AS mean FROM evals.trace_results
                WHERE tenant = $1 AND name = $2 AND evaluated_us >= $3 AND evaluated_us < $4
                GROUP BY trace_id) per_trace
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(new() { Value = EvalsDatabase.Micros(from) });
        command.Parameters.Add(new() { Value = EvalsDatabase.Micros(to) });
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
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
        ArgumentOutOfRangeException.ThrowIfGreaterThan(traceIds.Count, SqliteTraceIndexStore.MaxLabelTraces);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (traceIds.Count == 0)
        {
            return labels;
        }

        using NpgsqlCommand command = _dataSource.CreateCommand("""
            SELECT trace_id, label FROM evals.trace_results
            WHERE tenant = $1 AND name = $2 AND trace_id = ANY($3)
            ORDER BY trace_id, flagged DESC, turn
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(new() { Value = traceIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                labels.TryAdd(reader.GetString(0), reader.GetString(1));
            }
        }

        return labels;
    }
}
