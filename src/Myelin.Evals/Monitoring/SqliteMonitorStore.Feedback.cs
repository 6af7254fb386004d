using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Evals.Internal;

namespace Myelin.Evals.Monitoring;

/// <summary>Human feedback on traces and spans.</summary>
public sealed partial class SqliteMonitorStore
{
    /// <inheritdoc />
    public Task<Feedback> AddFeedbackAsync(TenantId tenant, Feedback feedback, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(feedback);
        feedback.Validate();
        Feedback stored = feedback with { At = _time.GetUtcNow() };
        return _database.WriteAsync((connection, transaction) => stored with { Id = InsertFeedback(connection, transaction, tenantId, stored) }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Feedback>> ListFeedbackAsync(TenantId tenant, string traceId, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(traceId);
        return ReadAsync(
            """
            SELECT id, trace_id, span_id, thumbs, score, label, comment, evaluator, author, at_us FROM feedback
            WHERE tenant = @t AND trace_id = @trace ORDER BY id LIMIT 1000
            """,
            c =>
            {
                c.Parameters.AddWithValue("@t", tenantId);
                c.Parameters.AddWithValue("@trace", traceId);
            },
            r => new Feedback
            {
                Id = r.GetInt64(0),
                TraceId = r.GetString(1),
                SpanId = OptionalText(r, 2),
                Thumbs = OptionalText(r, 3),
                Score = r.IsDBNull(4) ? null : r.GetDouble(4),
                Label = OptionalText(r, 5),
                Comment = OptionalText(r, 6),
                Evaluator = OptionalText(r, 7),
                Author = r.GetString(8),
                At = EvalsDatabase.FromMicros(r.GetInt64(9)),
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<(string TraceId, string Label)>> GetHumanLabelsAsync(
        TenantId tenant, string evaluator, int limit, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentException.ThrowIfNullOrEmpty(evaluator);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return ReadAsync(
            """
            SELECT f.trace_id, f.label FROM feedback f
            JOIN (SELECT trace_id, MAX(id) AS id FROM feedback WHERE tenant = @t AND evaluator = @e AND label IS NOT NULL GROUP BY trace_id) latest
              ON f.id = latest.id
            ORDER BY f.id DESC LIMIT @limit
            """,
            c =>
            {
                c.Parameters.AddWithValue("@t", tenantId);
                c.Parameters.AddWithValue("@e", evaluator);
                c.Parameters.AddWithValue("@limit", limit);
            },
            r => (r.GetString(0), r.GetString(1)),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListLabelledEvaluatorsAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        return ReadAsync(
            "SELECT DISTINCT evaluator FROM feedback WHERE tenant = @t AND evaluator IS NOT NULL AND label IS NOT NULL ORDER BY 1 LIMIT 1000",
            c => c.Parameters.AddWithValue("@t", tenantId),
            r => r.GetString(0),
            cancellationToken);
    }

    private static long InsertFeedback(SqliteConnection connection, SqliteTransaction transaction, string tenantId, Feedback f)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO feedback (tenant, trace_id, span_id, thumbs, score, label, comment, evaluator, author, at_us)
            VALUES (@t, @trace, @span, @thumbs, @score, @label, @comment, @evaluator, @author, @at) RETURNING id
            """;
        command.Parameters.AddWithValue("@t", tenantId);
        command.Parameters.AddWithValue("@trace", f.TraceId);
        command.Parameters.AddWithValue("@span", Db(f.SpanId));
        command.Parameters.AddWithValue("@thumbs", Db(f.Thumbs));
        command.Parameters.AddWithValue("@score", Db(f.Score));
        command.Parameters.AddWithValue("@label", Db(f.Label));
        command.Parameters.AddWithValue("@comment", Db(f.Comment));
        command.Parameters.AddWithValue("@evaluator", Db(f.Evaluator));
        command.Parameters.AddWithValue("@author", f.Author);
        command.Parameters.AddWithValue("@at", EvalsDatabase.Micros(f.At));
        return (long)command.ExecuteScalar()!;
    }
}
