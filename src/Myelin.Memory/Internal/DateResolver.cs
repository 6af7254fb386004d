using System.Globalization;
using System.Text.RegularExpressions;

namespace Myelin.Memory.Internal;

/// <summary>Finds relative and absolute date expressions in English text and resolves them against a reference time
/// (the turn's timestamp): "tomorrow", "next Friday", "in 3 weeks", "2 days ago", "on March 12", "2025-03-12".</summary>
internal static partial class DateResolver
{
    private static readonly string[] s_months =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    /// <summary>The first date expression in <paramref name="text"/> resolved to a UTC midnight, or null.</summary>
    public static DateTimeOffset? Resolve(string text, DateTimeOffset reference)
    {
        Match m = Expression().Match(text);
        if (!m.Success)
        {
            return null;
        }

        DateTime day = reference.UtcDateTime.Date;
        if (m.Groups["iso"].Success &&
            DateTime.TryParseExact(m.Groups["iso"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime iso))
        {
            return At(iso);
        }

        if (m.Groups["word"].Success)
        {
            return At(m.Groups["word"].Value.ToLowerInvariant() switch
            {
                "tomorrow" => day.AddDays(1),
                "yesterday" => day.AddDays(-1),
                _ => day,
            });
        }

        if (m.Groups["rel"].Success)
        {
            int sign = m.Groups["rel"].Value.Equals("next", StringComparison.OrdinalIgnoreCase) ? 1 : -1;
            return At(m.Groups["unit"].Value.ToLowerInvariant() switch
            {
                "week" => day.AddDays(7 * sign),
                "month" => day.AddMonths(sign),
                "year" => day.AddYears(sign),
                _ => day.AddDays(sign),
            });
        }

        if (m.Groups["wd"].Success)
        {
            var target = Enum.Parse<DayOfWeek>(m.Groups["wd"].Value, ignoreCase: true);
            int delta = ((int)target - (int)day.DayOfWeek + 7) % 7;
            if (m.Groups["wdmode"].Value.Equals("last", StringComparison.OrdinalIgnoreCase))
            {
                return At(day.AddDays(delta == 0 ? -7 : delta - 7));
            }

            // "next Friday", "on Friday" and a bare "Friday" all mean the first Friday after the reference day.
            return At(day.AddDays(delta == 0 ? 7 : delta));
        }

        if (m.Groups["n"].Success)
        {
            int n = int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            int sign = m.Groups["ago"].Success ? -1 : 1;
            return At(m.Groups["nunit"].Value.ToLowerInvariant().TrimEnd('s') switch
            {
                "week" => day.AddDays(7 * n * sign),
                "month" => day.AddMonths(n * sign),
                "year" => day.AddYears(n * sign),
                _ => day.AddDays(n * sign),
            });
        }

        int month = Array.IndexOf(s_months, (m.Groups["mon1"].Success ? m.Groups["mon1"] : m.Groups["mon2"]).Value.ToLowerInvariant()) + 1;
        int dayOfMonth = int.Parse((m.Groups["d1"].Success ? m.Groups["d1"] : m.Groups["d2"]).Value, CultureInfo.InvariantCulture);
        int year = m.Groups["y"].Success ? int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture) : day.Year;
        if (month < 1 || dayOfMonth > DateTime.DaysInMonth(year, month))
        {
            return null;
        }

        return At(new DateTime(year, month, dayOfMonth, 0, 0, 0, DateTimeKind.Utc));
    }

    private static DateTimeOffset At(DateTime day) => new(DateTime.SpecifyKind(day, DateTimeKind.Utc));

    [GeneratedRegex(
        @"\b(?:(?<iso>\d{4}-\d{2}-\d{2})|(?<word>today|tonight|tomorrow|yesterday)|(?<rel>next|last) (?<unit>week|month|year)" +
        @"|(?:(?<wdmode>next|last|this|on) )?(?<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)" +
        @"|in (?<n>\d{1,3}) (?<nunit>days?|weeks?|months?|years?)|(?<n>\d{1,3}) (?<nunit>days?|weeks?|months?|years?) (?<ago>ago)" +
        @"|(?<mon1>january|february|march|april|may|june|july|august|september|october|november|december) (?<d1>\d{1,2})(?:st|nd|rd|th)?(?:,? (?<y>\d{4}))?" +
        @"|(?<d2>\d{1,2})(?:st|nd|rd|th)? (?:of )?(?<mon2>january|february|march|april|may|june|july|august|september|october|november|december)(?:,? (?<y>\d{4}))?)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Expression();
}
