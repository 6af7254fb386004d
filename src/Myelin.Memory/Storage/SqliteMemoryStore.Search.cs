using System.Text;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Memory.Internal;

namespace Myelin.Memory.Storage;

/// <content>BM25 search over the FTS5 index.</content>
public sealed partial class SqliteMemoryStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<TextSearchHit>> SearchTextAsync(
        TenantId tenant, MemoryFilter filter, IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(terms);
        string? match = BuildMatch(tenant, filter.UserId, terms);
        if (match is null || limit <= 0)
        {
            return Task.FromResult<IReadOnlyList<TextSearchHit>>([]);
        }

        return _db.ReadAsync<IReadOnlyList<TextSearchHit>>(
            c =>
            {
                using SqliteCommand select = c.CreateCommand();

                // bm25() is lower-is-better; the scope column weighs 0 so the scope token never affects the score.
                // CROSS JOIN pins the full-text match as the outer loop: otherwise the planner may walk the user's
                // items and re-run the MATCH once per row.
                var sql = new StringBuilder("""
                    SELECT i.seq, i.id, -bm25(items_fts, 0.0, 1.0) AS score
                    FROM items_fts f CROSS JOIN items i ON i.seq = f.rowid
                    WHERE items_fts MATCH $match AND i.tenant = $tenant AND i.user_id = $user
                    """);
                ItemRows.AppendFilter(sql, select, filter, "i.");
                sql.Append(" ORDER BY bm25(items_fts, 0.0, 1.0) LIMIT $limit");
                select.CommandText = sql.ToString();
                select.Parameters.AddWithValue("$match", match);
                select.Parameters.AddWithValue("$tenant", tenant.Value);
                select.Parameters.AddWithValue("$user", filter.UserId);
                select.Parameters.AddWithValue("$limit", limit);
                var hits = new List<TextSearchHit>();
                using SqliteDataReader r = select.ExecuteReader();
                while (r.Read())
                {
                    hits.Add(new TextSearchHit(r.GetInt64(0), r.GetString(1), r.GetDouble(2)));
                }

                return hits;
            },
            cancellationToken);
    }

    // Terms come from the analyzer (letters and digits only); each is quoted anyway so no term can be read as FTS5
    // syntax. The scope token restricts the match to one tenant+user inside the index itself.
    private static string? BuildMatch(TenantId tenant, string userId, IReadOnlyList<string> terms)
    {
        var sb = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string term in terms)
        {
            if (term.Length == 0 || !seen.Add(term))
            {
                continue;
            }

            sb.Append(sb.Length == 0 ? "terms : (" : " OR ");
            sb.Append('"').Append(term.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }

        if (sb.Length == 0)
        {
            return null;
        }

        sb.Append(") AND scope : \"").Append(ItemRows.ScopeToken(tenant, userId)).Append('"');
        return sb.ToString();
    }
}
