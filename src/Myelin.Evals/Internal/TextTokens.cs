using System.Collections.Frozen;
using System.Text;

namespace Myelin.Evals.Internal;

/// <summary>Word tokenisation shared by the lexical metrics: lowercase runs of letters and digits (apostrophes inside words kept).</summary>
internal static class TextTokens
{
    private static readonly FrozenSet<string> s_articles = FrozenSet.Create(StringComparer.Ordinal, "a", "an", "the");

    private static readonly FrozenSet<string> s_stopWords = FrozenSet.Create(
        StringComparer.Ordinal,
        "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are",
        "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "do", "does", "did", "have", "has",
        "had", "i", "you", "he", "she", "we", "they", "me", "my", "your", "our", "their", "his", "her", "them", "what", "which",
        "who", "whom", "when", "where", "why", "how", "can", "could", "would", "should", "will", "shall", "may", "might", "must",
        "there", "here", "so", "than", "then", "too", "very", "just", "about", "into", "over", "also", "not", "no", "yes", "please",
        "tell", "give", "some", "thanks", "thank", "now", "instead", "okay", "ok", "well", "again", "any", "all", "each", "much", "many", "more", "most", "such", "s", "t");

    /// <summary>All word tokens, lowercased.</summary>
    public static List<string> Words(string text)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsLetterOrDigit(c) || (c is '\'' or '\u2019' && current.Length > 0 && i + 1 < text.Length && char.IsLetter(text[i + 1])))
            {
                current.Append(char.ToLowerInvariant(c == '\u2019' ? '\'' : c));
            }
            else if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }

    /// <summary>SQuAD answer normalisation: words without articles.</summary>
    public static List<string> Normalized(string text) => [.. Words(text).Where(w => !s_articles.Contains(w))];

    /// <summary>Words that carry content: no stop words, lightly stemmed so inflections of a word match.</summary>
    public static List<string> Content(string text) => [.. Words(text).Where(w => !s_stopWords.Contains(w)).Select(Stem)];

    /// <summary>Whether <paramref name="word"/> is a stop word.</summary>
    public static bool IsStopWord(string word) => s_stopWords.Contains(word);

    // A light suffix stripper (not Porter): drops -ing, -ed, -es, -s when four letters remain, then a final -e, so
    // "released"/"release"/"releases" and "metres"/"metre" meet. Digits are left alone.
    private static string Stem(string word)
    {
        if (word.Length < 4 || char.IsDigit(word[^1]))
        {
            return word;
        }

        foreach (string suffix in (ReadOnlySpan<string>)["ing", "ed", "es", "s"])
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal) && word.Length - suffix.Length >= 4 && !(suffix == "s" && word.EndsWith("ss", StringComparison.Ordinal)))
            {
                word = word[..^suffix.Length];
                break;
            }
        }

        return word.Length > 4 && word[^1] == 'e' ? word[..^1] : word;
    }
}
