using System.Text.RegularExpressions;

namespace Myelin.Memory.Internal;

/// <summary>Whether a query asks about the past ("where did I use to live", "what was my previous job"), in which
/// case superseded memories are the answer rather than noise.</summary>
internal static partial class TemporalIntent
{
    public static bool IsAboutThePast(string query) => Past().IsMatch(query);

    [GeneratedRegex(
        @"\b(?:used to|use to|previous(?:ly)?|before|formerly|former|originally|at first|earlier|in the past|back then|" +
        @"no longer|any ?more|ago|old (?:address|job|employer|home|city|place)|history|change[ds]?|first)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Past();
}
