using Myelin.Memory.Internal;

namespace Myelin.Memory.Text;

/// <summary>Turns text into index terms: case folding, splitting on non-alphanumerics, stop words, Porter stemming,
/// and the speaker's name as an extra term.</summary>
/// <remarks>
/// The same analyzer runs before indexing and before querying, so the full-text engine only sees finished terms
/// (SQLite's FTS5 and PostgreSQL's <c>simple</c> configuration then match them exactly). Thread-safe and stateless.
/// </remarks>
public sealed class TextAnalyzer
{
    /// <summary>The longest term kept; longer runs of letters are cut.</summary>
    public const int MaxTermLength = 40;

    /// <summary>The shared instance.</summary>
    public static TextAnalyzer Default { get; } = new();

    /// <summary>The terms of <paramref name="text"/>, in order, duplicates kept.</summary>
    public IReadOnlyList<string> Analyze(string? text)
    {
        var terms = new List<string>();
        AddTerms(text, terms);
        return terms;
    }

    /// <summary>The terms of a turn for indexing: its text's terms followed by its speaker's name terms, so that
    /// "what does Alice like" finds "I like jazz" said by Alice.</summary>
    public IReadOnlyList<string> AnalyzeTurn(string? text, string? speaker)
    {
        var terms = new List<string>();
        AddTerms(text, terms);
        AddTerms(speaker, terms);
        return terms;
    }

    // Base letters of U+00C0..U+017F (Latin-1 Supplement and Latin Extended-A); '.' keeps the character as it is.
    // A table rather than Unicode normalisation, which is not available under invariant globalization.
    private const string LatinFold =
        "aaaaaaaceeeeiiiidnooooo.ouuuuytsaaaaaaaceeeeiiiidnooooo.ouuuuyty" +
        "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll" +
        "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

    /// <summary>Folds case and strips accents from Latin letters in one word, without stemming.</summary>
    public static string Fold(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (System.Text.Ascii.IsValid(word))
        {
            return word.ToLowerInvariant();
        }

        return string.Create(word.Length, word, static (span, w) =>
        {
            for (int i = 0; i < w.Length; i++)
            {
                char c = char.ToLowerInvariant(w[i]);
                int index = c - '\u00C0';
                span[i] = index >= 0 && index < LatinFold.Length && LatinFold[index] != '.' ? LatinFold[index] : c;
            }
        });
    }

    private static void AddTerms(string? text, List<string> terms)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            int start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            if (i > start)
            {
                AddWord(text.AsSpan(start, Math.Min(i - start, MaxTermLength)), terms);
            }
        }
    }

    private static void AddWord(ReadOnlySpan<char> word, List<string> terms)
    {
        string folded = Fold(word.ToString());
        if (StopWords.English.Contains(folded))
        {
            return;
        }

        terms.Add(PorterStemmer.Stem(folded));
    }
}
