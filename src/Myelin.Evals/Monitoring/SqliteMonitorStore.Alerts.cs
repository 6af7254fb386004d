using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Evals.Internal;

namespace Myelin.Evals.Monitoring;

/// <summary>Alert rules with their state, alert events and the webhook delivery log.</summary>
public sealed partial class SqliteMonitorStore
{
    /// <inheritdoc />
    public Task<bool> PutRuleAsync(TenantId tenant, AlertRule rule, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(rule);
        long now = EvalsDatabase.Micros(_time.GetUtcNow());
        return _database.WriteAsync(
            (connection, transaction) =>
            {
                using SqliteCommand command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO alert_rules (tenant, name, kind, target, threshold, window_s, min_count, webhook_url, secret, state, since_us)
                    VALUES (@t, @n, @kind, @target, @threshold, @window, @min, @url, @secret, 'ok', @now)
                    ON CONFLICT (tenant, name) DO UPDATE SET
                        kind = excluded.kind, target = excluded.target, threshold = excluded.threshold, window_s = excluded.window_s,
                        min_count = excluded.min_count, webhook_url = excluded.webhook_url, secret = excluded.secret
                    """;
                command.Parameters.AddWithValue("@t", tenantId);
                command.Parameters.AddWithValue("@n", rule.Name);
                command.Parameters.AddWithValue("@kind", MonitoringNames.Of(rule.Kind));
                command.Parameters.AddWithValue("@target", rule.Target);
                command.Parameters.AddWithValue("@threshold", rule.Threshold);
                command.Parameters.AddWithValue("@window", (long)rule.Window.TotalSeconds);
                command.Parameters.AddWithValue("@min", rule.MinCount);
                command.Parameters.AddWithValue("@url", Db(rule.WebhookUrl?.AbsoluteUri));
                command.Parameters.AddWithValue("@secret", Db(rule.Secret));
                command.Parameters.AddWithValue("@now", now);
                bool existed = Exists(connection, transaction, "SELECT 1 FROM alert_rules WHERE tenant = @t AND name = @n", tenantId, rule.Name);
                command.ExecuteNonQuery();
                return !existed;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AlertRuleStatus>> ListRulesAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        return ReadAsync(
            """
            SELECT name, kind, target, threshold, window_s, min_count, webhook_url, secret, state, since_us FROM alert_rules
            WHERE tenant = @t ORDER BY name
            """,
            c => c.Parameters.AddWithValue("@t", tenantId),
            r => new AlertRuleStatus(
                new AlertRule
                {
                    Name = r.GetString(0),
                    Kind = MonitoringNames.RuleKind(r.GetString(1)),
                    Target = r.GetString(2),
                    Threshold = r.GetDouble(3),
                    Window = TimeSpan.FromSeconds(r.GetInt64(4)),
                    MinCount = r.GetInt32(5),
                    WebhookUrl = r.IsDBNull(6) ? null : new Uri(r.GetString(6)),
                    Secret = OptionalText(r, 7),
                },
                MonitoringNames.State(r.GetString(8)),
                EvalsDatabase.FromMicros(r.GetInt64(9))),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteRuleAsync(TenantId tenant, string name, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(name);
        return DeleteAsync("DELETE FROM alert_rules WHERE tenant = @t AND name = @n", tenantId, name, cancellationToken);
    }

    /// <inheritdoc />
    public Task<AlertEvent?> TransitionAsync(
        TenantId tenant, AlertState from, AlertState to, AlertEvent alert, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(alert);
        return _database.WriteAsync(
            (connection, transaction) =>
            {
                using SqliteCommand update = connection.CreateCommand();
                update.Transaction = transaction;
                update.CommandText = "UPDATE alert_rules SET state = @to, since_us = @at WHERE tenant = @t AND name = @n AND state = @from";
                update.Parameters.AddWithValue("@t", tenantId);
                update.Parameters.AddWithValue("@n", alert.Rule);
                update.Parameters.AddWithValue("@from", MonitoringNames.Of(from));
                update.Parameters.AddWithValue("@to", MonitoringNames.Of(to));
                update.Parameters.AddWithValue("@at", EvalsDatabase.Micros(alert.At));
                if (update.ExecuteNonQuery() == 0)
                {
                    return null;
                }

                using SqliteCommand insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO alert_events (tenant, rule, state, at_us, traces, flagged, value, threshold)
                    VALUES (@t, @n, @state, @at, @traces, @flagged, @value, @threshold) RETURNING id
                    """;
                insert.Parameters.AddWithValue("@t", tenantId);
                insert.Parameters.AddWithValue("@n", alert.Rule);
                insert.Parameters.AddWithValue("@state", MonitoringNames.Of(alert.State));
                insert.Parameters.AddWithValue("@at", EvalsDatabase.Micros(alert.At));
                insert.Parameters.AddWithValue("@traces", alert.Traces);
                insert.Parameters.AddWithValue("@flagged", alert.Flagged);
                insert.Parameters.AddWithValue("@value", Db(alert.Value));
                insert.Parameters.AddWithValue("@threshold", alert.Threshold);
                return alert with { Id = (long)insert.ExecuteScalar()! };
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AlertEvent>> ListEventsAsync(TenantId tenant, string? rule, int limit, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        return ReadAsync(
            "SELECT id, rule, state, at_us, traces, flagged, value, threshold FROM alert_events WHERE tenant = @t"
                + (rule is null ? string.Empty : " AND rule = @n") + " ORDER BY id DESC LIMIT " + Limit(limit),
            c =>
            {
                c.Parameters.AddWithValue("@t", tenantId);
                c.Parameters.AddWithValue("@n", Db(rule));
            },
            r => new AlertEvent(
                r.GetInt64(0), r.GetString(1), MonitoringNames.State(r.GetString(2)), EvalsDatabase.FromMicros(r.GetInt64(3)),
                r.GetInt64(4), r.GetInt64(5), r.IsDBNull(6) ? null : r.GetDouble(6), r.GetDouble(7)),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task AddDeliveriesAsync(TenantId tenant, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(deliveries);
        return _database.WriteAsync(
            (connection, transaction) =>
            {
                using SqliteCommand command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO webhook_deliveries (tenant, event_id, rule, attempt, at_us, status, error)
                    VALUES (@t, @e, @n, @attempt, @at, @status, @error)
                    """;
                foreach (WebhookDelivery d in deliveries)
                {
                    command.Parameters.Clear();
                    command.Parameters.AddWithValue("@t", tenantId);
                    command.Parameters.AddWithValue("@e", d.EventId);
                    command.Parameters.AddWithValue("@n", d.Rule);
                    command.Parameters.AddWithValue("@attempt", d.Attempt);
                    command.Parameters.AddWithValue("@at", EvalsDatabase.Micros(d.At));
                    command.Parameters.AddWithValue("@status", Db(d.StatusCode));
                    command.Parameters.AddWithValue("@error", Db(d.Error));
                    command.ExecuteNonQuery();
                }

                return deliveries.Count;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(
        TenantId tenant, long? eventId, int limit, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        return ReadAsync(
            "SELECT event_id, rule, attempt, at_us, status, error FROM webhook_deliveries WHERE tenant = @t"
                + (eventId is null ? string.Empty : " AND event_id = @e") + " ORDER BY id DESC LIMIT " + Limit(limit),
            c =>
            {
                c.Parameters.AddWithValue("@t", tenantId);
                c.Parameters.AddWithValue("@e", Db(eventId));
            },
            r => new WebhookDelivery(
                r.GetInt64(0), r.GetString(1), r.GetInt32(2), EvalsDatabase.FromMicros(r.GetInt64(3)),
                r.IsDBNull(4) ? null : r.GetInt32(4), OptionalText(r, 5)),
            cancellationToken);
    }
}
