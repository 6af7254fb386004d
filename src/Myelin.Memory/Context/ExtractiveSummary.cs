using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Myelin.Memory.Text;

namespace Myelin.Memory.Context;

/// <summary>A model-free summary: the most informative sentences of the turns, in conversation order.</summary>
/// <remarks>
/// A sentence's weight is the sum of the inverse document frequencies (over sentences) of its distinct analysed
/// terms, divided by the square root of their count, plus a bonus per number (dates, amounts and ids are what
/// summaries lose first). Sentences with fewer than two terms ("ok, thanks") are never picked, nor one that repeats
/// most terms of a picked one. Ties break by a hash of the seed and the sentence's position, so a given seed always
/// picks the same sentences.
/// </remarks>
internal static partial class ExtractiveSummary
{
    // Bounds the work on very long histories: only the best-scored sentences are tried against the budget.
    private const int MaxCandidates = 512;
    private const double RedundantOverlap = 0.6;

    public static string? Build(IReadOnlyList<ChatMessage> turns, string header, Func<string, bool> fits, ulong seed)
    {
        var sentences = new List<Sentence>();
        for (int t = 0; t < turns.Count; t++)
        {
            foreach (string text in Sentences(MessageText.Of(turns[t])))
            {
                HashSet<string> terms = [.. TextAnalyzer.Default.Analyze(text)];
                if (terms.Count >= 2)
                {
                    sentences.Add(new Sentence(sentences.Count, turns[t].Role.Value, text, terms));
                }
            }
        }

        if (sentences.Count == 0)
        {
            return null;
        }

        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Sentence s in sentences)
        {
            foreach (string term in s.Terms)
            {
                frequency[term] = frequency.GetValueOrDefault(term) + 1;
            }
        }

        double n = sentences.Count;
        Sentence[] ranked = [.. sentences
            .Select(s => s with { Score = Weight(s, frequency, n), Tie = Mix(seed ^ (ulong)s.Order) })
            .OrderByDescending(s => s.Score).ThenByDescending(s => s.Tie).ThenBy(s => s.Order)
            .Take(MaxCandidates)];

        var picked = new List<Sentence>();
        string? summary = null;
        foreach (Sentence candidate in ranked)
        {
            if (picked.Any(p => Overlap(p.Terms, candidate.Terms) >= RedundantOverlap))
            {
                continue;
            }

            picked.Add(candidate);
            string text = Render(header, picked);
            if (fits(text))
            {
                summary = text;
            }
            else
            {
                picked.Remove(candidate);
            }
        }

        return summary;
    }

    /// <summary>Splits text into sentences at ., ! or ? followed by white space, and at line breaks.</summary>
    public static IEnumerable<string> Sentences(string text) =>
        SentenceBreak().Split(text).Select(s => s.Trim()).Where(s => s.Length >= 3);

    private static double Weight(Sentence s, Dictionary<string, int> frequency, double n)
    {
        double weight = 0;
        foreach (string term in s.Terms)
        {
            weight += Math.Log(1 + (n / frequency[term]));
            if (char.IsDigit(term[0]))
            {
                weight += 0.5;
            }
        }

        return weight / Math.Sqrt(s.Terms.Count);
    }

    private static double Overlap(HashSet<string> a, HashSet<string> b)
    {
        int shared = a.Count(b.Contains);
        return shared / (double)Math.Min(a.Count, b.Count);
    }

    private static string Render(string header, List<Sentence> picked)
    {
        var text = new StringBuilder(header);
        foreach (Sentence s in picked.OrderBy(s => s.Order))
        {
            text.Append("- ").Append(s.Role).Append(": ").Append(s.Text).Append('\n');
        }

        return text.ToString();
    }

    // SplitMix64: a fixed, well-mixed hash so ties break the same way on every machine and run.
    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    [GeneratedRegex(@"(?<=[.!?])\s+|[\r\n]+")]
    private static partial Regex SentenceBreak();

    private sealed record Sentence(int Order, string Role, string Text, HashSet<string> Terms)
    {
        public double Score { get; init; }

        public ulong Tie { get; init; }
    }
}
