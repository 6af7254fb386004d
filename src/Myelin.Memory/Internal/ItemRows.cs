using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Myelin.Core;

namespace Myelin.Memory.Internal;

/// <summary>Reading item rows and building the scoped WHERE clause shared by list and search.</summary>
internal static class ItemRows
{
    public static MemoryItem Read(SqliteDataReader r, TenantId tenant) => new()
    {
        Sequence = r.GetInt64(0),
        Id = r.GetString(1),
        Scope = new MemoryScope(tenant, r.GetString(2), NullableString(r, 3), NullableString(r, 4)),
        Kind = (MemoryKind)r.GetInt32(5),
        Text = r.GetString(6),
        Subject = NullableString(r, 7),
        Value = NullableString(r, 8),
        Speaker = NullableString(r, 9),
        ValidFrom = UnixMicros.To(r.GetInt64(10)),
        ValidTo = NullableTime(r, 11),
        RecordedAt = UnixMicros.To(r.GetInt64(12)),
        InvalidatedAt = NullableTime(r, 13),
        SourceOffsets = ParseOffsets(r.GetString(14)),
        Importance = r.GetFloat(15),
        AccessCount = r.GetInt64(16),
        LastAccessedAt = NullableTime(r, 17),
        Supersedes = NullableString(r, 18),
        SupersededBy = NullableString(r, 19),
    };

    public static List<MemoryItem> ReadAll(SqliteCommand command, TenantId tenant)
    {
        var items = new List<MemoryItem>();
        using SqliteDataReader r = command.ExecuteReader();
        while (r.Read())
        {
            items.Add(Read(r, tenant));
        }

        return items;
    }

    public static string FormatOffsets(IEnumerable<long> offsets) =>
        string.Join(',', offsets.Select(o => o.ToString(CultureInfo.InvariantCulture)));

    public static IReadOnlyList<long> ParseOffsets(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        string[] parts = text.Split(',');
        var offsets = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            offsets[i] = long.Parse(parts[i], CultureInfo.InvariantCulture);
        }

        return offsets;
    }

    /// <summary>A JSON array of strings, for <c>json_each</c> parameters.</summary>
    public static string JsonStrings(IEnumerable<string> values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (string value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Appends <c>AND ...</c> conditions for everything in <paramref name="filter"/> besides tenant and user
    /// (which callers always bind as <c>$tenant</c> and <c>$user</c>).</summary>
    public static void AppendFilter(StringBuilder sql, SqliteCommand command, MemoryFilter filter, string alias)
    {
        if (filter.AgentId is not null)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND ({alias}agent_id = $agent OR {alias}agent_id IS NULL)");
            command.Parameters.AddWithValue("$agent", filter.AgentId);
        }

        if (filter.SessionId is not null)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {alias}session_id = $session");
            command.Parameters.AddWithValue("$session", filter.SessionId);
        }

        if (filter.Kinds is { Count: > 0 } kinds)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {alias}kind IN (");
            sql.AppendJoin(',', kinds.Select(k => ((int)k).ToString(CultureInfo.InvariantCulture)));
            sql.Append(')');
        }

        if (filter.KnownAt is { } known)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {alias}recorded_at <= $known");
            command.Parameters.AddWithValue("$known", UnixMicros.From(known));
        }

        if (filter.ValidAt is { } valid)
        {
            string closedLater = filter.KnownAt is null ? string.Empty : $" OR {alias}invalidated_at > $known";
            sql.Append(CultureInfo.InvariantCulture,
                $" AND {alias}valid_from <= $valid AND ({alias}valid_to IS NULL OR {alias}valid_to > $valid{closedLater})");
            command.Parameters.AddWithValue("$valid", UnixMicros.From(valid));
        }

        if (filter.Superseded is { } superseded)
        {
            sql.Append(superseded
                ? $" AND ({alias}valid_to IS NOT NULL OR {alias}superseded_by IS NOT NULL)"
                : $" AND {alias}valid_to IS NULL AND {alias}superseded_by IS NULL");
        }

        if (filter.From is { } from)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {alias}valid_from >= $from");
            command.Parameters.AddWithValue("$from", UnixMicros.From(from));
        }

        if (filter.To is { } to)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {alias}valid_from < $to");
            command.Parameters.AddWithValue("$to", UnixMicros.From(to));
        }
    }

    private static string? NullableString(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? NullableTime(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : UnixMicros.To(r.GetInt64(i));
}
