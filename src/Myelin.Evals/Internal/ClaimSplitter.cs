using System.Text.RegularExpressions;

namespace Myelin.Evals.Internal;

/// <summary>Splits an answer into checkable claims: sentences, then clauses joined by ';' or ', and/but/while/whereas'.</summary>
internal static partial class ClaimSplitter
{
    /// <summary>The claims with at least two content words (greetings and fillers are not claims).</summary>
    public static List<string> Split(string text)
    {
        var claims = new List<string>();
        foreach (string sentence in Sentences().Split(text))
        {
            foreach (string clause in Clauses().Split(sentence))
            {
                string trimmed = clause.Trim().TrimEnd('.', '!', '?', ';', ',').Trim();
                if (TextTokens.Content(trimmed).Count >= 2)
                {
                    claims.Add(trimmed);
                }
            }
        }

        return claims;
    }

    // A sentence ends at . ! ? followed by whitespace (not inside numbers such as 3.5), or at a line break / bullet.
    [GeneratedRegex(@"(?<=[.!?])\s+|\r?\n+\s*(?:[-*\u2022]|\d+[.)])?\s*")]
    private static partial Regex Sentences();

    [GeneratedRegex(@";\s*|,\s*(?:and|but|while|whereas|although)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex Clauses();
}
