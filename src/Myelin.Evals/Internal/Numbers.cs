using System.Globalization;
using System.Text.RegularExpressions;

namespace Myelin.Evals.Internal;

/// <summary>Every number a text states, in digits (thousands separators allowed) or as a small number word.</summary>
internal static partial class Numbers
{
    private static readonly Dictionary<string, double> s_words = new(StringComparer.Ordinal)
    {
        ["zero"] = 0,
        ["one"] = 1,
        ["two"] = 2,
        ["three"] = 3,
        ["four"] = 4,
        ["five"] = 5,
        ["six"] = 6,
        ["seven"] = 7,
        ["eight"] = 8,
        ["nine"] = 9,
        ["ten"] = 10,
        ["eleven"] = 11,
        ["twelve"] = 12,
        ["twenty"] = 20,
        ["thirty"] = 30,
        ["forty"] = 40,
        ["fifty"] = 50,
        ["hundred"] = 100,
        ["dozen"] = 12,
    };

    public static List<double> All(string text)
    {
        var values = new List<double>();
        foreach (Match match in Digits().Matches(text))
        {
            if (double.TryParse(match.Value.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                values.Add(value);
            }
        }

        List<string> words = TextTokens.Words(text);
        for (int i = 0; i < words.Count; i++)
        {
            if (s_words.TryGetValue(words[i], out double value) && !(words[i] == "one" && i + 1 < words.Count && words[i + 1] == "of"))
            {
                values.Add(value);
            }
        }

        return values;
    }

    /// <summary>The share of <paramref name="reference"/>'s numbers that <paramref name="text"/> does not state; null when the reference has none.</summary>
    public static double? MissingShare(string text, string reference)
    {
        List<double> wanted = All(reference);
        if (wanted.Count == 0)
        {
            return null;
        }

        List<double> stated = All(text);
        int missing = wanted.Count(w => !stated.Any(s => Math.Abs(s - w) <= 1e-6 * Math.Max(1, Math.Abs(w))));
        return missing / (double)wanted.Count;
    }

    [GeneratedRegex(@"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")]
    private static partial Regex Digits();
}
