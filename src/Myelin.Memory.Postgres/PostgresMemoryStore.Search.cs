using System.Text;
using Myelin.Core;
using Myelin.Memory.Postgres.Internal;
using Npgsql;

namespace Myelin.Memory.Postgres;

/// <content>Full-text search over the tsvector column.</content>
public sealed partial class PostgresMemoryStore
{
    /// <inheritdoc />
    /// <remarks>Matches any of the analysed terms (an OR tsquery built with <c>plainto_tsquery('simple', term)</c> per
    /// term, so no term is read as query syntax) and ranks with <c>ts_rank</c> normalised by document length
    /// (normalisation 1), best first, ties to the newest.</remarks>
    public async Task<IReadOnlyList<TextSearchHit>> SearchTextAsync(
        TenantId tenant, MemoryFilter filter, IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(terms);
        string[] distinct = [.. terms.Where(t => t.Length > 0).Distinct(StringComparer.Ordinal)];
        if (distinct.Length == 0 || limit <= 0)
        {
            return [];
        }

        using NpgsqlCommand select = Command(string.Empty, tenant);
        var sql = new StringBuilder("""
            WITH q AS (SELECT string_agg(plainto_tsquery('simple', t)::text, ' | ')::tsquery AS query
                       FROM unnest(@terms) AS u(t) WHERE plainto_tsquery('simple', t)::text <> '')
            SELECT i.seq, i.id, ts_rank(i.terms, q.query, 1) AS score
            FROM memory_items i, q
            WHERE q.query IS NOT NULL AND i.terms @@ q.query AND i.tenant = @tenant AND i.user_id = @user
            """);
        PostgresItemRows.AppendFilter(sql, select, filter, "i.");
        sql.Append(" ORDER BY score DESC, i.seq DESC LIMIT @limit");
        select.CommandText = sql.ToString();
        select.Parameters.AddWithValue("terms", distinct);
        select.Parameters.AddWithValue("user", filter.UserId);
        select.Parameters.AddWithValue("limit", limit);
        var hits = new List<TextSearchHit>();
        NpgsqlDataReader r = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (r.ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                hits.Add(new TextSearchHit(r.GetInt64(0), r.GetString(1), r.GetFloat(2)));
            }
        }

        return hits;
    }
}
