using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Evals.Evaluators;
using Myelin.Evals.Internal;

namespace Myelin.Evals.Experiments;

/// <summary>Experiment runs in the room's database (<c>{data}/evals.db</c>, tables <c>experiment_runs</c> and <c>experiment_items</c>).</summary>
/// <remarks>Thread-safe: writes are serialised on one connection, each read opens its own.</remarks>
public sealed class SqliteExperimentStore : IExperimentStore, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS experiment_runs (
            tenant TEXT NOT NULL, run_id TEXT NOT NULL, name TEXT, dataset TEXT NOT NULL, dataset_version TEXT NOT NULL,
            started_us INTEGER NOT NULL, completed_us INTEGER NOT NULL, item_count INTEGER NOT NULL,
            PRIMARY KEY (tenant, run_id));
        CREATE INDEX IF NOT EXISTS experiment_runs_by_start ON experiment_runs (tenant, started_us DESC);
        CREATE TABLE IF NOT EXISTS experiment_items (
            tenant TEXT NOT NULL, run_id TEXT NOT NULL, position INTEGER NOT NULL, item_id TEXT NOT NULL, input TEXT NOT NULL,
            expected TEXT, output TEXT, error TEXT, duration_ms REAL NOT NULL, metrics_json TEXT NOT NULL,
            PRIMARY KEY (tenant, run_id, position));
        """;

    private readonly EvalsDatabase _db;

    private SqliteExperimentStore(EvalsDatabase db) => _db = db;

    /// <summary>Opens (creating when missing) the store in <c>evals.db</c> under <paramref name="dataDirectory"/>.</summary>
    public static SqliteExperimentStore Open(string dataDirectory) => new(EvalsDatabase.Open(dataDirectory, Schema));

    /// <inheritdoc />
    public Task SaveAsync(TenantId tenant, ExperimentRun run, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(run);
        return _db.WriteAsync((connection, transaction) =>
        {
            using SqliteCommand insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT OR IGNORE INTO experiment_runs (tenant, run_id, name, dataset, dataset_version, started_us, completed_us, item_count)
                VALUES (@t, @r, @n, @d, @v, @s, @c, @count)
                """;
            insert.Parameters.AddWithValue("@t", tenantId);
            insert.Parameters.AddWithValue("@r", run.Id);
            insert.Parameters.AddWithValue("@n", (object?)run.Name ?? DBNull.Value);
            insert.Parameters.AddWithValue("@d", run.Dataset);
            insert.Parameters.AddWithValue("@v", run.DatasetVersion);
            insert.Parameters.AddWithValue("@s", EvalsDatabase.Micros(run.StartedAt));
            insert.Parameters.AddWithValue("@c", EvalsDatabase.Micros(run.CompletedAt));
            insert.Parameters.AddWithValue("@count", run.Items.Count);
            if (insert.ExecuteNonQuery() == 0)
            {
                throw new MyelinConflictException("run_exists", $"An experiment run '{run.Id}' is already stored.");
            }

            using SqliteCommand item = connection.CreateCommand();
            item.Transaction = transaction;
            item.CommandText = """
                INSERT INTO experiment_items (tenant, run_id, position, item_id, input, expected, output, error, duration_ms, metrics_json)
                VALUES (@t, @r, @p, @id, @in, @exp, @out, @err, @ms, @m)
                """;
            for (int i = 0; i < run.Items.Count; i++)
            {
                ExperimentItemResult result = run.Items[i];
                item.Parameters.Clear();
                item.Parameters.AddWithValue("@t", tenantId);
                item.Parameters.AddWithValue("@r", run.Id);
                item.Parameters.AddWithValue("@p", i);
                item.Parameters.AddWithValue("@id", result.ItemId);
                item.Parameters.AddWithValue("@in", result.Input);
                item.Parameters.AddWithValue("@exp", (object?)result.ExpectedOutput ?? DBNull.Value);
                item.Parameters.AddWithValue("@out", (object?)result.Output ?? DBNull.Value);
                item.Parameters.AddWithValue("@err", (object?)result.Error ?? DBNull.Value);
                item.Parameters.AddWithValue("@ms", result.DurationMs);
                item.Parameters.AddWithValue("@m", WriteMetrics(result.Metrics));
                item.ExecuteNonQuery();
            }

            return run.Items.Count;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ExperimentRun> GetAsync(TenantId tenant, string runId, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        SqliteConnection connection = _db.OpenReader();
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        List<ExperimentRun> runs = await ReadRunsAsync(connection, tenantId, "run_id = @x", runId, cancellationToken).ConfigureAwait(false);
        if (runs.Count == 0)
        {
            throw new MyelinNotFoundException("run_not_found", $"No experiment run '{runId}' is stored in this tenant.");
        }

        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = """
            SELECT item_id, input, expected, output, error, duration_ms, metrics_json FROM experiment_items
            WHERE tenant = @t AND run_id = @r ORDER BY position
            """;
        command.Parameters.AddWithValue("@t", tenantId);
        command.Parameters.AddWithValue("@r", runId);
        var items = new List<ExperimentItemResult>();
        SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(new ExperimentItemResult(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetDouble(5),
                    ReadMetrics(reader.GetString(6))));
            }
        }

        return runs[0] with { Items = items };
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ExperimentRun>> ListAsync(TenantId tenant, string? dataset = null, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        SqliteConnection connection = _db.OpenReader();
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        return await ReadRunsAsync(connection, tenantId, dataset is null ? null : "dataset = @x", dataset, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private static async Task<List<ExperimentRun>> ReadRunsAsync(
        SqliteConnection connection, string tenantId, string? clause, string? value, CancellationToken cancellationToken)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT run_id, name, dataset, dataset_version, started_us, completed_us FROM experiment_runs WHERE tenant = @t"
            + (clause is null ? string.Empty : " AND " + clause) + " ORDER BY started_us DESC, run_id DESC";
        command.Parameters.AddWithValue("@t", tenantId);
        if (clause is not null)
        {
            command.Parameters.AddWithValue("@x", value);
        }

        var runs = new List<ExperimentRun>();
        SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                runs.Add(new ExperimentRun(
                    reader.GetString(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    EvalsDatabase.FromMicros(reader.GetInt64(4)),
                    EvalsDatabase.FromMicros(reader.GetInt64(5)),
                    []));
            }
        }

        return runs;
    }

    private static string WriteMetrics(IReadOnlyList<EvaluationMetric> metrics)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (EvaluationMetric m in metrics)
            {
                writer.WriteStartObject();
                writer.WriteString("name", m.Name);
                Number(writer, "score", m.Score);
                Number(writer, "value", m.Value);
                writer.WriteString("label", m.Label);
                writer.WriteBoolean("passed", m.Passed);
                writer.WriteString("reason", m.Reason);
                writer.WriteString("error", m.Error);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);

        static void Number(Utf8JsonWriter writer, string name, double? value)
        {
            if (value is { } v && double.IsFinite(v))
            {
                writer.WriteNumber(name, v);
            }
            else
            {
                writer.WriteNull(name);
            }
        }
    }

    private static List<EvaluationMetric> ReadMetrics(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        var metrics = new List<EvaluationMetric>();
        foreach (JsonElement m in doc.RootElement.EnumerateArray())
        {
            metrics.Add(new EvaluationMetric(m.GetProperty("name").GetString()!)
            {
                Score = m.GetProperty("score").ValueKind == JsonValueKind.Number ? m.GetProperty("score").GetDouble() : null,
                Value = m.GetProperty("value").ValueKind == JsonValueKind.Number ? m.GetProperty("value").GetDouble() : null,
                Label = m.GetProperty("label").GetString(),
                Passed = m.GetProperty("passed").GetBoolean(),
                Reason = m.GetProperty("reason").GetString(),
                Error = m.GetProperty("error").GetString(),
            });
        }

        return metrics;
    }
}
