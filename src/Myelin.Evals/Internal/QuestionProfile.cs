using System.Globalization;
using System.Text.RegularExpressions;

namespace Myelin.Evals.Internal;

/// <summary>What a question asks for: the answer type, the options of a choice, the number of list items, named entities, word limits.</summary>
internal sealed partial record QuestionProfile(
    ExpectedAnswer Type, IReadOnlyList<string> Options, int ListCount, IReadOnlyList<string> Entities, int? WordLimit)
{
    private static readonly string[] s_numberWords =
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty",
        "thirty", "forty", "fifty", "hundred", "thousand", "million", "billion", "dozen", "half",
    ];

    private static readonly string[] s_months =
    [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday", "tomorrow", "century",
    ];

    public static QuestionProfile Analyze(string question)
    {
        string text = LastQuestion(question);
        string lower = text.ToLowerInvariant();
        ExpectedAnswer type = ExpectedAnswer.Open;
        IReadOnlyList<string> options = [];
        int listCount = 0;
        if (DateCue().IsMatch(lower))
        {
            type = ExpectedAnswer.Date;
        }
        else if (NumberCue().IsMatch(lower))
        {
            type = ExpectedAnswer.Number;
        }
        else if (ListCue().Match(lower) is { Success: true } list)
        {
            type = ExpectedAnswer.List;
            listCount = Math.Max(2, Count(list.Groups["n"].Value));
        }
        else if (ChoiceCue().Match(lower) is { Success: true } choice)
        {
            type = ExpectedAnswer.Choice;
            options = [.. TextTokens.Content(choice.Groups["a"].Value).TakeLast(1), .. TextTokens.Content(choice.Groups["b"].Value).Take(1)];
        }
        else if (YesNoCue().IsMatch(lower))
        {
            type = ExpectedAnswer.YesNo;
        }

        int? limit = WordLimitCue().Match(lower) is { Success: true } m ? int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) : null;
        return new QuestionProfile(type, options, listCount, FindEntities(text), limit);
    }

    public static bool HasNumber(string answer)
    {
        if (answer.Any(char.IsAsciiDigit))
        {
            return true;
        }

        // "one of the ..." is a determiner, not a count.
        List<string> words = TextTokens.Words(answer);
        return words.Where((w, i) => s_numberWords.Contains(w) && !(w == "one" && i + 1 < words.Count && words[i + 1] == "of")).Any();
    }

    public static bool HasDate(string answer) =>
        Year().IsMatch(answer) || SlashDate().IsMatch(answer) || TextTokens.Words(answer).Any(w => s_months.Contains(w));

    public static bool HasYesNo(string answer) =>
        TextTokens.Words(answer).Take(6).Any(w => w is "yes" or "no" or "yeah" or "yep" or "nope" or "not" or "correct" or "indeed" or "certainly"
            or "absolutely" or "isn't" or "doesn't" or "wasn't" or "aren't" or "don't" or "can't" or "never" or "true" or "false");

    public static int ListItems(string answer)
    {
        int lines = answer.Split('\n').Count(l => BulletLine().IsMatch(l));
        if (lines >= 2)
        {
            return lines;
        }

        string firstSentence = answer.Split(". ")[0];
        int commas = firstSentence.Count(c => c == ',');
        bool and = firstSentence.Contains(" and ", StringComparison.OrdinalIgnoreCase);
        return commas + (and ? 1 : 0) + (commas > 0 || and ? 1 : 0);
    }

    private static List<string> FindEntities(string question)
    {
        // Only entities the question coordinates ("Paris and Berlin", "X vs Y", "A, B and C") must each be addressed: a
        // single subject is often referred to by a pronoun, and the options of a choice are not all meant to be answered.
        string text = question.Length > 0 ? char.ToLowerInvariant(question[0]) + question[1..] : question;
        var entities = new List<string>();
        foreach (Match match in Coordinated().Matches(text))
        {
            entities.Add(match.Groups["a"].Value.ToLowerInvariant());
            entities.Add(match.Groups["b"].Value.ToLowerInvariant());
        }

        // "compare X and Y", "the difference between X and Y" name their two subjects whatever their case.
        if (Comparison().Match(text.ToLowerInvariant()) is { Success: true } comparison)
        {
            entities.Add(comparison.Groups["a"].Value.Trim());
            entities.Add(comparison.Groups["b"].Value.Trim());
        }

        return [.. entities.Distinct(StringComparer.Ordinal)];
    }

    private static string LastQuestion(string text)
    {
        string[] sentences = SentenceEnd().Split(text.Trim());
        return sentences.LastOrDefault(s => s.Contains('?', StringComparison.Ordinal)) ?? sentences[^1];
    }

    private static int Count(string word) => word switch
    {
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        _ => int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 2,
    };

    [GeneratedRegex(@"^(when\b|what (year|date|day|month)|which (year|date|day|month)|in what year|on what (date|day))")]
    private static partial Regex DateCue();

    [GeneratedRegex(@"\bhow (many|much|tall|long|far|old|big|high|heavy|fast|deep|wide)\b|\bwhat (percentage|number|is the (population|total|sum|price|cost|height|length))\b")]
    private static partial Regex NumberCue();

    [GeneratedRegex(@"^(list|name|enumerate|give me)\b(?:\s+(?<n>\d+|two|three|four|five))?|\bwhat are (some|the (?<n>\d+|two|three|four|five))\b")]
    private static partial Regex ListCue();

    [GeneratedRegex(@"^(is|are|was|were|does|do|did|should|would|will|can|could|which)\b(?<a>.+?)\bor\b(?<b>[^?]+)")]
    private static partial Regex ChoiceCue();

    [GeneratedRegex(@"^(is|are|was|were|do|does|did|can|could|will|would|should|has|have|had|isn't|aren't|doesn't|didn't)\b")]
    private static partial Regex YesNoCue();

    [GeneratedRegex(@"\b(?:in|under|at most|fewer than|less than|no more than)\s+(?<n>\d+)\s+words\b")]
    private static partial Regex WordLimitCue();

    [GeneratedRegex(@"\b(1[0-9]{3}|20[0-9]{2})\b")]
    private static partial Regex Year();

    [GeneratedRegex(@"\b\d{1,2}[/.-]\d{1,2}([/.-]\d{2,4})?\b")]
    private static partial Regex SlashDate();

    [GeneratedRegex(@"^\s*([-*\u2022]|\d+[.)])\s+")]
    private static partial Regex BulletLine();

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"(?<a>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)(?:\s*,\s*|\s+and\s+|\s+vs\.?\s+|\s+versus\s+)(?:the\s+)?(?<b>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)")]
    private static partial Regex Coordinated();

    [GeneratedRegex(@"\b(?:compare|between)\s+(?:the\s+)?(?<a>[^,?.]+?)\s+(?:and|with|vs\.?|versus)\s+(?:the\s+)?(?<b>[^,?.]+?)(?=\s+(?:in|for|by|on)\b|[,?.]|$)")]
    private static partial Regex Comparison();
}
