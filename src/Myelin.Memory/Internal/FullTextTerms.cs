using System.Security.Cryptography;
using System.Text;
using Myelin.Core;
using Myelin.Memory.Text;

namespace Myelin.Memory.Internal;

/// <summary>What the SQLite full-text index holds: every analysed term prefixed with a token of its tenant+user, so a
/// query touches only that user's postings and BM25 document frequencies are counted per user.</summary>
/// <remarks>
/// The earlier layout ANDed a per-user scope column into each query, which made FTS5 walk the user's whole posting
/// list (every item) on every search. The token is a hash, so the index never holds tenant or user ids; two users
/// whose tokens collide only share term statistics, because search joins every hit back to its row's tenant and user.
/// </remarks>
internal static class FullTextTerms
{
    /// <summary>Length of the scope token: 'u' and 12 hex digits (48 bits of SHA-256).</summary>
    public const int ScopeLength = 13;

    public static string ScopeToken(TenantId tenant, string userId)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(tenant.Value + "\n" + userId));
        return "u" + Convert.ToHexStringLower(hash.AsSpan(0, 6));
    }

    /// <summary>The indexed text of an item: the terms of its text and speaker, then the words of its subject
    /// (location.home gives location, home), so "where is her home" finds "Alice lives in Porto" through its slot.</summary>
    public static string Document(TenantId tenant, string userId, string text, string? speaker, string? subject)
    {
        string scope = ScopeToken(tenant, userId);
        var sb = new StringBuilder(text.Length * 2);
        Append(sb, scope, Terms(text, speaker, subject));
        return sb.ToString();
    }

    /// <summary>The analysed terms of an item (text, speaker, then subject words), without a scope token; the
    /// PostgreSQL store indexes these.</summary>
    public static IEnumerable<string> Terms(string text, string? speaker, string? subject)
    {
        IReadOnlyList<string> terms = TextAnalyzer.Default.AnalyzeTurn(text, speaker);
        return subject is null ? terms : terms.Concat(TextAnalyzer.Default.Analyze(subject.Replace('.', ' ').Replace('_', ' ')));
    }

    /// <summary>The distinct terms of a query, prefixed with the user's token as they are indexed.</summary>
    public static List<string> QueryTerms(TenantId tenant, string userId, IReadOnlyList<string> terms)
    {
        string scope = ScopeToken(tenant, userId);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>(terms.Count);
        foreach (string term in terms)
        {
            if (term.Length > 0 && seen.Add(term))
            {
                result.Add(scope + term);
            }
        }

        return result;
    }

    /// <summary>An FTS5 query matching any of <paramref name="prefixedTerms"/>.</summary>
    /// <remarks>Terms come from the analyzer (letters and digits only); each is quoted anyway so no term can be read as
    /// FTS5 syntax.</remarks>
    public static string Match(IEnumerable<string> prefixedTerms)
    {
        var sb = new StringBuilder();
        foreach (string term in prefixedTerms)
        {
            sb.Append(sb.Length == 0 ? "\"" : " OR \"").Append(term.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }

        return sb.ToString();
    }

    private static void Append(StringBuilder sb, string scope, IEnumerable<string> terms)
    {
        foreach (string term in terms)
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(scope).Append(term);
        }
    }
}
