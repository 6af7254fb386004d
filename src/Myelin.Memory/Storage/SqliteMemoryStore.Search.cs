using System.Text;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Memory.Internal;

namespace Myelin.Memory.Storage;

/// <content>BM25 search over the FTS5 index.</content>
public sealed partial class SqliteMemoryStore
{
    // Query shaping. FTS5 computes BM25 for every row an OR query matches before the LIMIT applies, so the cost grows
    // with the postings of the query's most common terms. Terms are taken rarest first while their postings together
    // stay within TermBudget (the rarest always), and BM25 ranks at most RankWindow matches, the most recent first.
    private const long TermBudget = 4096;
    private const int RankWindow = 4096;

    /// <inheritdoc />
    /// <remarks>
    /// <para>FTS5 ranks the user's matches alone (its terms carry the user's token, see <see cref="FullTextTerms"/>);
    /// only the best of them are joined to their rows, which checks tenant and user and applies the filter. When the
    /// filter rejects so many that fewer than <paramref name="limit"/> remain and more were ranked, the ranking is read
    /// again four times deeper, so the filter never hides a better-ranked match.</para>
    /// <para>Bounded work on large stores: a user's most common terms are left out of the query when rarer ones already
    /// match more than 4,096 items (they add little to BM25 and would make it score most of the user's items), and at
    /// most the 4,096 most recent matches are ranked. Below those sizes the ranking is plain BM25 over every term.</para>
    /// </remarks>
    public async Task<IReadOnlyList<TextSearchHit>> SearchTextAsync(
        TenantId tenant, MemoryFilter filter, IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(terms);
        List<string> queryTerms = FullTextTerms.QueryTerms(tenant, filter.UserId, terms);
        if (queryTerms.Count == 0 || limit <= 0)
        {
            return [];
        }

        await _indexer.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        bool filtered = filter.AgentId is not null || filter.SessionId is not null || filter.Kinds is { Count: > 0 } ||
            filter.KnownAt is not null || filter.ValidAt is not null || filter.From is not null || filter.To is not null ||
            filter.Superseded is not null;
        return await _db.ReadAsync<IReadOnlyList<TextSearchHit>>(
            c =>
            {
                List<string> chosen = ChooseTerms(c, queryTerms);
                if (chosen.Count == 0)
                {
                    return [];
                }

                using SqliteCommand select = c.CreateCommand();

                // bm25() is lower-is-better. The LEFT JOIN keeps ranked rows the filter rejects (id NULL) so the
                // loop can tell "ran out of matches" from "the filter took them".
                var sql = new StringBuilder("""
                    SELECT f.rowid, i.id, f.score
                    FROM (SELECT rowid, score FROM
                            (SELECT rowid, -bm25(items_fts) AS score FROM items_fts WHERE items_fts MATCH $match
                             ORDER BY rowid DESC LIMIT $window)
                          ORDER BY score DESC, rowid DESC LIMIT $depth) f
                    LEFT JOIN items i ON i.seq = f.rowid AND i.tenant = $tenant AND i.user_id = $user
                    """);
                ItemRows.AppendFilter(sql, select, filter, "i.");
                sql.Append(" ORDER BY f.score DESC, f.rowid DESC");
                select.CommandText = sql.ToString();
                select.Parameters.AddWithValue("$match", FullTextTerms.Match(chosen));
                select.Parameters.AddWithValue("$window", RankWindow);
                select.Parameters.AddWithValue("$tenant", tenant.Value);
                select.Parameters.AddWithValue("$user", filter.UserId);
                SqliteParameter depth = select.Parameters.Add("$depth", SqliteType.Integer);
                int want = filtered ? limit * 4 : limit + 8;
                while (true)
                {
                    depth.Value = want;
                    var hits = new List<TextSearchHit>(limit);
                    int ranked = 0;
                    using (SqliteDataReader r = select.ExecuteReader())
                    {
                        while (r.Read())
                        {
                            ranked++;
                            if (!r.IsDBNull(1) && hits.Count < limit)
                            {
                                hits.Add(new TextSearchHit(r.GetInt64(0), r.GetString(1), r.GetDouble(2)));
                            }
                        }
                    }

                    if (hits.Count == limit || ranked < want || want >= RankWindow)
                    {
                        return hits;
                    }

                    want = Math.Min(RankWindow, want * 4);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    // The query's terms that occur, rarest first, while their postings fit the budget (the rarest always).
    private static List<string> ChooseTerms(SqliteConnection c, List<string> queryTerms)
    {
        using SqliteCommand lookup = c.CreateCommand();
        lookup.CommandText = "SELECT df FROM fts_terms WHERE term = $term";
        SqliteParameter term = lookup.Parameters.Add("$term", SqliteType.Text);
        var counted = new List<(string Term, long Df)>(queryTerms.Count);
        foreach (string t in queryTerms)
        {
            term.Value = t;
            if (lookup.ExecuteScalar() is long df && df > 0)
            {
                counted.Add((t, df));
            }
        }

        counted.Sort((a, b) => a.Df.CompareTo(b.Df));
        var chosen = new List<string>(counted.Count);
        long postings = 0;
        foreach ((string t, long df) in counted)
        {
            if (chosen.Count > 0 && postings + df > TermBudget)
            {
                break;
            }

            chosen.Add(t);
            postings += df;
        }

        return chosen;
    }
}
