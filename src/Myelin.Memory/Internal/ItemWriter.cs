using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Myelin.Memory.Internal;

/// <summary>The item and history inserts of one write transaction, each prepared once and re-bound per row (SQLite
/// compiles a statement on its first execution and keeps it while the command lives). The full-text index follows
/// in the background (<see cref="FullTextIndexer"/>).</summary>
/// <remarks>Ids are version-7 GUIDs: time-ordered, so inserts land at the end of the unique id index instead of at
/// random pages (random ids cost about 40% of an episode insert at 100k items).</remarks>
internal sealed class ItemWriter : IDisposable
{
    private readonly SqliteCommand _item;
    private readonly SqliteCommand _history;

    public ItemWriter(SqliteConnection connection, SqliteTransaction transaction)
    {
        _item = Prepare(
            connection,
            transaction,
            """
            INSERT INTO items (id, tenant, user_id, agent_id, session_id, kind, text, subject, value, speaker, valid_from,
                recorded_at, source_offsets, log_offset, importance, supersedes, vector)
            VALUES ($id, $tenant, $user, $agent, $session, $kind, $text, $subject, $value, $speaker, $from, $now, $offsets,
                $log, $importance, $supersedes, $vector)
            RETURNING seq
            """,
            "$id", "$tenant", "$user", "$agent", "$session", "$kind", "$text", "$subject", "$value", "$speaker", "$from", "$now",
            "$offsets", "$log", "$importance", "$supersedes", "$vector");
        _history = Prepare(
            connection,
            transaction,
            """
            INSERT INTO history (tenant, user_id, item_id, at, action, text, valid_from, valid_to, related_id, reason)
            VALUES ($tenant, $user, $item, $at, $action, $text, $from, $to, $related, $reason)
            """,
            "$tenant", "$user", "$item", "$at", "$action", "$text", "$from", "$to", "$related", "$reason");
    }

    /// <summary>Inserts the item; returns it as stored.</summary>
    public MemoryItem Insert(NewMemoryItem item, DateTimeOffset now, string? supersedes)
    {
        string id = "mem_" + Guid.CreateVersion7().ToString("N");
        MemoryScope scope = item.Scope;
        SqliteParameterCollection p = _item.Parameters;
        p[0].Value = id;
        p[1].Value = scope.Tenant.Value;
        p[2].Value = scope.UserId;
        p[3].Value = (object?)scope.AgentId ?? DBNull.Value;
        p[4].Value = (object?)scope.SessionId ?? DBNull.Value;
        p[5].Value = (int)item.Kind;
        p[6].Value = item.Text;
        p[7].Value = (object?)item.Subject ?? DBNull.Value;
        p[8].Value = (object?)item.Value ?? DBNull.Value;
        p[9].Value = (object?)item.Speaker ?? DBNull.Value;
        p[10].Value = UnixMicros.From(item.ValidFrom);
        p[11].Value = UnixMicros.From(now);
        p[12].Value = ItemRows.FormatOffsets(item.SourceOffsets);
        p[13].Value = item.Kind == MemoryKind.Episode && item.SourceOffsets.Count > 0 ? item.SourceOffsets[0] : DBNull.Value;
        p[14].Value = item.Importance;
        p[15].Value = (object?)supersedes ?? DBNull.Value;
        p[16].Value = item.Vector is { } v ? MemoryMarshal.AsBytes(v.Span).ToArray() : DBNull.Value;
        long seq = (long)_item.ExecuteScalar()!;

        return new MemoryItem
        {
            Id = id,
            Sequence = seq,
            Scope = scope,
            Kind = item.Kind,
            Text = item.Text,
            Subject = item.Subject,
            Value = item.Value,
            Speaker = item.Speaker,
            ValidFrom = item.ValidFrom,
            RecordedAt = now,
            SourceOffsets = item.SourceOffsets,
            Importance = item.Importance,
            Supersedes = supersedes,
        };
    }

    public void AddHistory(MemoryItem item, DateTimeOffset at, MemoryHistoryAction action, string? relatedId, string reason)
    {
        SqliteParameterCollection p = _history.Parameters;
        p[0].Value = item.Scope.Tenant.Value;
        p[1].Value = item.Scope.UserId;
        p[2].Value = item.Id;
        p[3].Value = UnixMicros.From(at);
        p[4].Value = (int)action;
        p[5].Value = item.Text;
        p[6].Value = UnixMicros.From(item.ValidFrom);
        p[7].Value = item.ValidTo is { } to ? UnixMicros.From(to) : DBNull.Value;
        p[8].Value = (object?)relatedId ?? DBNull.Value;
        p[9].Value = reason;
        _history.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _item.Dispose();
        _history.Dispose();
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (string name in names)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }

        return command;
    }
}
