using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Evals.Internal;

namespace Myelin.Evals.Monitoring;

/// <summary>The monitoring tables in the room's database (<c>{data}/evals.db</c>).</summary>
/// <remarks>Thread-safe: writes are serialised on the room's writer connection, each read opens its own.</remarks>
public sealed partial class SqliteMonitorStore : IMonitorStore
{
    private const char Separator = '\u001f';

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS monitors (
            tenant TEXT NOT NULL, name TEXT NOT NULL, sampling_rate REAL NOT NULL, seed INTEGER NOT NULL,
            detectors TEXT NOT NULL, evaluators TEXT NOT NULL, models TEXT NOT NULL, agents TEXT NOT NULL, annotate TEXT NOT NULL,
            enabled INTEGER NOT NULL, updated_us INTEGER NOT NULL,
            PRIMARY KEY (tenant, name)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS alert_rules (
            tenant TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL, threshold REAL NOT NULL,
            window_s INTEGER NOT NULL, min_count INTEGER NOT NULL, webhook_url TEXT, secret TEXT,
            state TEXT NOT NULL, since_us INTEGER NOT NULL,
            PRIMARY KEY (tenant, name)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS alert_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, rule TEXT NOT NULL, state TEXT NOT NULL, at_us INTEGER NOT NULL,
            traces INTEGER NOT NULL, flagged INTEGER NOT NULL, value REAL, threshold REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS alert_events_by_tenant ON alert_events (tenant, id DESC);
        CREATE TABLE IF NOT EXISTS webhook_deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, event_id INTEGER NOT NULL, rule TEXT NOT NULL,
            attempt INTEGER NOT NULL, at_us INTEGER NOT NULL, status INTEGER, error TEXT);
        CREATE INDEX IF NOT EXISTS webhook_deliveries_by_tenant ON webhook_deliveries (tenant, id DESC);
        CREATE TABLE IF NOT EXISTS feedback (
            id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, trace_id TEXT NOT NULL, span_id TEXT, thumbs TEXT, score REAL,
            label TEXT, comment TEXT, evaluator TEXT, author TEXT NOT NULL, at_us INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS feedback_by_trace ON feedback (tenant, trace_id, id);
        CREATE INDEX IF NOT EXISTS feedback_by_evaluator ON feedback (tenant, evaluator, trace_id, id);
        CREATE TABLE IF NOT EXISTS annotations (
            id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, trace_id TEXT NOT NULL, name TEXT, source TEXT NOT NULL,
            reason TEXT NOT NULL, status TEXT NOT NULL, created_us INTEGER NOT NULL, claimed_by TEXT, claimed_us INTEGER,
            label TEXT, comment TEXT, completed_us INTEGER);
        CREATE INDEX IF NOT EXISTS annotations_by_status ON annotations (tenant, status, id);
        CREATE INDEX IF NOT EXISTS annotations_by_trace ON annotations (tenant, trace_id, name);
        """;

    private readonly EvalsDatabase _database;
    private readonly TimeProvider _time;

    private SqliteMonitorStore(EvalsDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    /// <inheritdoc />
    public TimeSpan ClaimLease { get; } = TimeSpan.FromMinutes(30);

    /// <summary>Opens (creating when missing) the store in <c>evals.db</c> under <paramref name="dataDirectory"/>.</summary>
    /// <param name="dataDirectory">The data directory.</param>
    /// <param name="time">Clock for stored times and claim leases; the system clock when null.</param>
    public static SqliteMonitorStore Open(string dataDirectory, TimeProvider? time = null) =>
        new(EvalsDatabase.Open(dataDirectory, Schema), time ?? TimeProvider.System);

    /// <inheritdoc />
    public Task<bool> PutMonitorAsync(TenantId tenant, MonitorConfig monitor, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(monitor);
        long now = EvalsDatabase.Micros(_time.GetUtcNow());
        return _database.WriteAsync(
            (connection, transaction) =>
            {
                bool exists = Exists(connection, transaction, "SELECT 1 FROM monitors WHERE tenant = @t AND name = @n", tenantId, monitor.Name);
                using SqliteCommand command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT OR REPLACE INTO monitors (tenant, name, sampling_rate, seed, detectors, evaluators, models, agents, annotate, enabled, updated_us)
                    VALUES (@t, @n, @rate, @seed, @d, @e, @m, @a, @an, @on, @now)
                    """;
                command.Parameters.AddWithValue("@t", tenantId);
                command.Parameters.AddWithValue("@n", monitor.Name);
                command.Parameters.AddWithValue("@rate", monitor.SamplingRate);
                command.Parameters.AddWithValue("@seed", monitor.Seed);
                command.Parameters.AddWithValue("@d", Join(monitor.Detectors));
                command.Parameters.AddWithValue("@e", Join(monitor.Evaluators));
                command.Parameters.AddWithValue("@m", Join(monitor.Models));
                command.Parameters.AddWithValue("@a", Join(monitor.Agents));
                command.Parameters.AddWithValue("@an", Join(monitor.Annotate));
                command.Parameters.AddWithValue("@on", monitor.Enabled ? 1 : 0);
                command.Parameters.AddWithValue("@now", now);
                command.ExecuteNonQuery();
                return !exists;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MonitorConfig>> ListMonitorsAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        return ReadAsync(
            """
            SELECT name, sampling_rate, seed, detectors, evaluators, models, agents, annotate, enabled FROM monitors
            WHERE tenant = @t ORDER BY name
            """,
            c => c.Parameters.AddWithValue("@t", tenantId),
            r => new MonitorConfig
            {
                Name = r.GetString(0),
                SamplingRate = r.GetDouble(1),
                Seed = r.GetInt64(2),
                Detectors = Split(r.GetString(3)),
                Evaluators = Split(r.GetString(4)),
                Models = Split(r.GetString(5)),
                Agents = Split(r.GetString(6)),
                Annotate = Split(r.GetString(7)),
                Enabled = r.GetInt64(8) != 0,
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteMonitorAsync(TenantId tenant, string name, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(name);
        return DeleteAsync("DELETE FROM monitors WHERE tenant = @t AND name = @n", tenantId, name, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TenantId>> ListActiveTenantsAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> tenants = await ReadAsync(
            "SELECT tenant FROM monitors WHERE enabled = 1 UNION SELECT tenant FROM alert_rules ORDER BY 1",
            _ => { },
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
        return [.. tenants.Select(t => new TenantId(t))];
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private static string Join(IReadOnlyList<string> values) => string.Join(Separator, values);

    private static string[] Split(string joined) => joined.Length == 0 ? [] : joined.Split(Separator);

    private static bool Exists(SqliteConnection connection, SqliteTransaction transaction, string sql, string tenantId, string name)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("@t", tenantId);
        command.Parameters.AddWithValue("@n", name);
        return command.ExecuteScalar() is not null;
    }

    private Task<bool> DeleteAsync(string sql, string tenantId, string name, CancellationToken cancellationToken) => _database.WriteAsync(
        (connection, transaction) =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.Parameters.AddWithValue("@t", tenantId);
            command.Parameters.AddWithValue("@n", name);
            return command.ExecuteNonQuery() > 0;
        },
        cancellationToken);

    private async Task<IReadOnlyList<T>> ReadAsync<T>(
        string sql, Action<SqliteCommand> bind, Func<SqliteDataReader, T> map, CancellationToken cancellationToken)
    {
        SqliteConnection connection = _database.OpenReader();
        await using ConfiguredAsyncDisposable connectionScope = connection.ConfigureAwait(false);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        var rows = new List<T>();
        SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(map(reader));
            }
        }

        return rows;
    }

    private static string Limit(int limit) => Math.Clamp(limit, 1, 1000).ToString(CultureInfo.InvariantCulture);

    private static object Db(object? value) => value ?? DBNull.Value;

    private static DateTimeOffset? OptionalTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : EvalsDatabase.FromMicros(reader.GetInt64(ordinal));

    private static string? OptionalText(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
