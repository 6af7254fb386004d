using System.Text.RegularExpressions;

namespace Myelin.Evals.Judges;

/// <summary>
/// A versioned judging rubric: the system prompt and the user template a judge model receives, and the integer score
/// range it must answer in. Placeholders: <c>{{input}}</c>, <c>{{output}}</c>, <c>{{expected}}</c>, <c>{{context}}</c>,
/// <c>{{claim}}</c>.
/// </summary>
/// <remarks>
/// Immutable. The id and version are part of the judge-cache key: change the wording, bump the version, and cached
/// verdicts of the old wording are no longer reused.
/// </remarks>
public sealed partial record RubricTemplate
{
    private static readonly HashSet<string> s_placeholders = ["input", "output", "expected", "context", "claim"];

    /// <summary>Creates a template.</summary>
    /// <exception cref="ArgumentException">A field is empty, the range is empty, the pass score is outside it, or a placeholder is unknown.</exception>
    public RubricTemplate(string id, int version, string systemPrompt, string userTemplate, int minScore, int maxScore, int passScore)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        ArgumentException.ThrowIfNullOrWhiteSpace(systemPrompt);
        ArgumentException.ThrowIfNullOrWhiteSpace(userTemplate);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(minScore, maxScore);
        ArgumentOutOfRangeException.ThrowIfLessThan(passScore, minScore);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(passScore, maxScore);
        foreach (Match match in Placeholder().Matches(systemPrompt + userTemplate))
        {
            if (!s_placeholders.Contains(match.Groups[1].Value))
            {
                throw new ArgumentException($"Unknown placeholder '{match.Value}' in rubric '{id}' (use {{{{input}}}}, {{{{output}}}}, {{{{expected}}}}, {{{{context}}}}, {{{{claim}}}}).", nameof(userTemplate));
            }
        }

        Id = id;
        Version = version;
        SystemPrompt = systemPrompt;
        UserTemplate = userTemplate;
        MinScore = minScore;
        MaxScore = maxScore;
        PassScore = passScore;
    }

    /// <summary>Stable id; also the metric name of an <see cref="LlmJudgeEvaluator"/> using it.</summary>
    public string Id { get; }

    /// <summary>Version of the wording.</summary>
    public int Version { get; }

    /// <summary>The system prompt (the answer format instruction is appended by the judge).</summary>
    public string SystemPrompt { get; }

    /// <summary>The user message with placeholders.</summary>
    public string UserTemplate { get; }

    /// <summary>Lowest score.</summary>
    public int MinScore { get; }

    /// <summary>Highest (best) score.</summary>
    public int MaxScore { get; }

    /// <summary>Score needed to pass.</summary>
    public int PassScore { get; }

    /// <summary>Fills the placeholders; missing variables render as <c>(none)</c>.</summary>
    public string Render(IReadOnlyDictionary<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return Placeholder().Replace(UserTemplate, m =>
            variables.TryGetValue(m.Groups[1].Value, out string? value) && !string.IsNullOrEmpty(value) ? value : "(none)");
    }

    /// <summary>The score mapped to [0, 1].</summary>
    public double Normalize(int score) => (score - MinScore) / (double)(MaxScore - MinScore);

    [GeneratedRegex(@"\{\{([a-z_]+)\}\}")]
    private static partial Regex Placeholder();
}
