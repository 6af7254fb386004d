using System.Text.RegularExpressions;

namespace Myelin.Evals.Evaluators;

/// <summary><c>exact_match</c>: 1 when the answer equals the expected output (after optional trimming, case folding and whitespace collapsing).</summary>
public sealed partial class ExactMatchEvaluator : EvaluatorBase
{
    /// <summary>The metric name.</summary>
    public const string Metric = "exact_match";

    /// <summary>Creates the evaluator.</summary>
    /// <param name="ignoreCase">Compare case-insensitively.</param>
    /// <param name="normalizeWhitespace">Trim and collapse runs of whitespace before comparing.</param>
    public ExactMatchEvaluator(bool ignoreCase = false, bool normalizeWhitespace = true)
        : base(Metric, 1.0)
    {
        IgnoreCase = ignoreCase;
        NormalizeWhitespace = normalizeWhitespace;
    }

    /// <summary>Whether case is ignored.</summary>
    public bool IgnoreCase { get; }

    /// <summary>Whether whitespace is normalised.</summary>
    public bool NormalizeWhitespace { get; }

    /// <inheritdoc />
    protected override EvaluationMetric Evaluate(EvaluationInput input, double threshold)
    {
        if (input.ExpectedOutput is not { } expected)
        {
            return NeedsExpected();
        }

        bool equal = string.Equals(Prepare(input.Output), Prepare(expected), IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        return EvaluationMetric.Scored(Metric, equal ? 1 : 0, threshold, equal ? "The answer equals the expected output." : "The answer differs from the expected output.");
    }

    private string Prepare(string text) => NormalizeWhitespace ? Whitespace().Replace(text.Trim(), " ") : text;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
