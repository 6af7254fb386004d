using System.Globalization;
using System.Text;
using Myelin.Core;
using Myelin.Memory.Internal;
using Npgsql;

namespace Myelin.Memory.Postgres.Internal;

/// <summary>Reading item rows and building the scoped WHERE clause, as <c>ItemRows</c> does for SQLite.</summary>
internal static class PostgresItemRows
{
    public static MemoryItem Read(NpgsqlDataReader r, TenantId tenant) => new()
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
        SourceOffsets = ItemRows.ParseOffsets(r.GetString(14)),
        Importance = r.GetFloat(15),
        AccessCount = r.GetInt64(16),
        LastAccessedAt = NullableTime(r, 17),
        Supersedes = NullableString(r, 18),
        SupersededBy = NullableString(r, 19),
    };

    public static async Task<List<MemoryItem>> ReadAllAsync(NpgsqlCommand command, TenantId tenant, CancellationToken cancellationToken)
    {
        var items = new List<MemoryItem>();
        NpgsqlDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (r.ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(Read(r, tenant));
            }
        }

        return items;
    }

    /// <summary>Appends <c>AND ...</c> conditions for everything in <paramref name="filter"/> besides tenant and user
    /// (which callers always bind as <c>@tenant</c> and <c>@user</c>).</summary>
    public static void AppendFilter(StringBuilder sql, NpgsqlCommand command, MemoryFilter filter, string alias)
    {
        if (filter.AgentId is not null)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND ({alias}agent_id = @agent OR {alias}agent_id IS NULL)");
            command.Parameters.AddWithValue("agent", filter.AgentId);
        }

        if (filter.SessionId is not null)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {alias}session_id = @session");
            command.Parameters.AddWithValue("session", filter.SessionId);
        }

        if (filter.Kinds is { Count: > 0 } kinds)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {alias}kind = ANY(@kinds)");
            command.Parameters.AddWithValue("kinds", kinds.Select(k => (int)k).ToArray());
        }

        if (filter.KnownAt is { } known)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {alias}recorded_at <= @known");
            command.Parameters.AddWithValue("known", UnixMicros.From(known));
        }

        if (filter.ValidAt is { } valid)
        {
            string closedLater = filter.KnownAt is null ? string.Empty : $" OR {alias}invalidated_at > @known";
            sql.Append(CultureInfo.InvariantCulture,
                $" AND {alias}valid_from <= @valid AND ({alias}valid_to IS NULL OR {alias}valid_to > @valid{closedLater})");
            command.Parameters.AddWithValue("valid", UnixMicros.From(valid));
        }

        if (filter.From is { } from)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {alias}valid_from >= @from");
            command.Parameters.AddWithValue("from", UnixMicros.From(from));
        }

        if (filter.To is { } to)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {alias}valid_from < @to");
            command.Parameters.AddWithValue("to", UnixMicros.From(to));
        }

        if (filter.Superseded is { } superseded)
        {
            sql.Append(superseded
                ? $" AND ({alias}valid_to IS NOT NULL OR {alias}superseded_by IS NOT NULL)"
                : $" AND {alias}valid_to IS NULL AND {alias}superseded_by IS NULL");
        }
    }

    private static string? NullableString(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : UnixMicros.To(r.GetInt64(i));
}
