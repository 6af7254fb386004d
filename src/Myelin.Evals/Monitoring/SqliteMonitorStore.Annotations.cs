using System.Globalization;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Evals.Internal;

namespace Myelin.Evals.Monitoring;

/// <summary>The annotation queue: enqueue, claim with a lease, complete (which stores the label as feedback).</summary>
public sealed partial class SqliteMonitorStore
{
    private const string ItemColumns =
        "id, trace_id, name, source, reason, status, created_us, claimed_by, claimed_us, label, comment, completed_us";

    /// <inheritdoc />
    public Task<AnnotationItem> EnqueueAsync(
        TenantId tenant, string traceId, string? name, string source, string reason, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentException.ThrowIfNullOrEmpty(traceId);
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(reason);
        long now = EvalsDatabase.Micros(_time.GetUtcNow());
        return _database.WriteAsync(
            (connection, transaction) =>
            {
                using SqliteCommand open = connection.CreateCommand();
                open.Transaction = transaction;
                open.CommandText = "SELECT " + ItemColumns + """
                     FROM annotations WHERE tenant = @t AND trace_id = @trace AND name IS @name AND status IN ('pending', 'claimed') LIMIT 1
                    """;
                open.Parameters.AddWithValue("@t", tenantId);
                open.Parameters.AddWithValue("@trace", traceId);
                open.Parameters.AddWithValue("@name", Db(name));
                if (ReadItem(open) is { } existing)
                {
                    return existing;
                }

                using SqliteCommand insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO annotations (tenant, trace_id, name, source, reason, status, created_us)
                    VALUES (@t, @trace, @name, @source, @reason, 'pending', @now) RETURNING id
                    """;
                insert.Parameters.AddWithValue("@t", tenantId);
                insert.Parameters.AddWithValue("@trace", traceId);
                insert.Parameters.AddWithValue("@name", Db(name));
                insert.Parameters.AddWithValue("@source", source);
                insert.Parameters.AddWithValue("@reason", reason);
                insert.Parameters.AddWithValue("@now", now);
                long id = (long)insert.ExecuteScalar()!;
                return new AnnotationItem(id, traceId, name, source, reason, AnnotationStatus.Pending, EvalsDatabase.FromMicros(now), null, null, null, null, null);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AnnotationItem>> ListAnnotationsAsync(
        TenantId tenant, AnnotationStatus? status, int limit, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        return ReadAsync(
            "SELECT " + ItemColumns + " FROM annotations WHERE tenant = @t" + (status is null ? string.Empty : " AND status = @s")
                + " ORDER BY id LIMIT " + Limit(limit),
            c =>
            {
                c.Parameters.AddWithValue("@t", tenantId);
                c.Parameters.AddWithValue("@s", status is { } s ? MonitoringNames.Of(s) : DBNull.Value);
            },
            MapItem,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<AnnotationItem?> ClaimAsync(TenantId tenant, long? id, string annotator, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentException.ThrowIfNullOrEmpty(annotator);
        long now = EvalsDatabase.Micros(_time.GetUtcNow());
        long expired = now - (long)(ClaimLease.Ticks / TimeSpan.TicksPerMicrosecond);
        return _database.WriteAsync(
            (connection, transaction) =>
            {
                long target;
                if (id is { } wanted)
                {
                    AnnotationItem item = Find(connection, transaction, tenantId, wanted);
                    if (item.Status == AnnotationStatus.Completed)
                    {
                        throw new MyelinConflictException("annotation_completed", $"Annotation {wanted} is already completed.");
                    }

                    if (item.Status == AnnotationStatus.Claimed && item.ClaimedBy != annotator && EvalsDatabase.Micros(item.ClaimedAt!.Value) >= expired)
                    {
                        throw new MyelinConflictException("annotation_claimed", $"Annotation {wanted} is claimed by another annotator.");
                    }

                    target = wanted;
                }
                else
                {
                    using SqliteCommand next = connection.CreateCommand();
                    next.Transaction = transaction;
                    next.CommandText = """
                        SELECT id FROM annotations WHERE tenant = @t
                          AND (status = 'pending' OR (status = 'claimed' AND claimed_us < @expired)) ORDER BY id LIMIT 1
                        """;
                    next.Parameters.AddWithValue("@t", tenantId);
                    next.Parameters.AddWithValue("@expired", expired);
                    if (next.ExecuteScalar() is not long found)
                    {
                        return null;
                    }

                    target = found;
                }

                using SqliteCommand claim = connection.CreateCommand();
                claim.Transaction = transaction;
                claim.CommandText = "UPDATE annotations SET status = 'claimed', claimed_by = @who, claimed_us = @now WHERE tenant = @t AND id = @id";
                claim.Parameters.AddWithValue("@t", tenantId);
                claim.Parameters.AddWithValue("@id", target);
                claim.Parameters.AddWithValue("@who", annotator);
                claim.Parameters.AddWithValue("@now", now);
                claim.ExecuteNonQuery();
                return Find(connection, transaction, tenantId, target);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<AnnotationItem> CompleteAsync(
        TenantId tenant, long id, string annotator, string label, string? comment, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentException.ThrowIfNullOrEmpty(annotator);
        DateTimeOffset now = _time.GetUtcNow();
        return _database.WriteAsync(
            (connection, transaction) =>
            {
                AnnotationItem item = Find(connection, transaction, tenantId, id);
                if (item.Status == AnnotationStatus.Completed)
                {
                    throw new MyelinConflictException("annotation_completed", $"Annotation {id} is already completed.");
                }

                if (item.Status != AnnotationStatus.Claimed || item.ClaimedBy != annotator)
                {
                    throw new MyelinConflictException("annotation_not_claimed", $"Claim annotation {id} before completing it.");
                }

                var feedback = new Feedback
                {
                    TraceId = item.TraceId,
                    Label = label,
                    Comment = string.IsNullOrWhiteSpace(comment) ? null : comment,
                    Evaluator = item.Name,
                    Author = annotator,
                    At = now,
                };
                feedback.Validate();
                using SqliteCommand update = connection.CreateCommand();
                update.Transaction = transaction;
                update.CommandText = """
                    UPDATE annotations SET status = 'completed', label = @label, comment = @comment, completed_us = @now
                    WHERE tenant = @t AND id = @id
                    """;
                update.Parameters.AddWithValue("@t", tenantId);
                update.Parameters.AddWithValue("@id", id);
                update.Parameters.AddWithValue("@label", label);
                update.Parameters.AddWithValue("@comment", Db(feedback.Comment));
                update.Parameters.AddWithValue("@now", EvalsDatabase.Micros(now));
                update.ExecuteNonQuery();
                InsertFeedback(connection, transaction, tenantId, feedback);
                return Find(connection, transaction, tenantId, id);
            },
            cancellationToken);
    }

    private static AnnotationItem Find(SqliteConnection connection, SqliteTransaction transaction, string tenantId, long id)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT " + ItemColumns + " FROM annotations WHERE tenant = @t AND id = @id";
        command.Parameters.AddWithValue("@t", tenantId);
        command.Parameters.AddWithValue("@id", id);
        return ReadItem(command)
            ?? throw new MyelinNotFoundException("annotation_not_found", string.Create(CultureInfo.InvariantCulture, $"No annotation {id} in this tenant."));
    }

    private static AnnotationItem? ReadItem(SqliteCommand command)
    {
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? MapItem(reader) : null;
    }

    private static AnnotationItem MapItem(SqliteDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1),
        OptionalText(r, 2),
        r.GetString(3),
        r.GetString(4),
        MonitoringNames.Status(r.GetString(5)),
        EvalsDatabase.FromMicros(r.GetInt64(6)),
        OptionalText(r, 7),
        OptionalTime(r, 8),
        OptionalText(r, 9),
        OptionalText(r, 10),
        OptionalTime(r, 11));
}
