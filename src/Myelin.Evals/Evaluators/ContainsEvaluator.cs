namespace Myelin.Evals.Evaluators;

/// <summary>
/// <c>contains</c>: the share of required phrases found in the answer. The phrases are the ones given to the constructor,
/// or, when none are, the expected output as one phrase.
/// </summary>
public sealed class ContainsEvaluator : EvaluatorBase
{
    /// <summary>The metric name.</summary>
    public const string Metric = "contains";

    private readonly string[] _phrases;
    private readonly StringComparison _comparison;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="phrases">Phrases the answer must contain; empty to use each item's expected output.</param>
    /// <param name="ignoreCase">Match case-insensitively (default).</param>
    /// <param name="passThreshold">Share of phrases needed to pass (default all).</param>
    public ContainsEvaluator(IEnumerable<string>? phrases = null, bool ignoreCase = true, double passThreshold = 1.0)
        : base(Metric, passThreshold)
    {
        _phrases = [.. phrases ?? []];
        if (_phrases.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Phrases must not be null or empty.", nameof(phrases));
        }

        _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
    }

    /// <inheritdoc />
    protected override EvaluationMetric Evaluate(EvaluationInput input, double threshold)
    {
        string[] phrases = _phrases;
        if (phrases.Length == 0)
        {
            if (string.IsNullOrEmpty(input.ExpectedOutput))
            {
                return NeedsExpected();
            }

            phrases = [input.ExpectedOutput.Trim()];
        }

        string[] missing = [.. phrases.Where(p => !input.Output.Contains(p, _comparison))];
        double score = (phrases.Length - missing.Length) / (double)phrases.Length;
        string reason = missing.Length == 0 ? "Every phrase is present." : "Missing: " + string.Join(", ", missing.Select(m => $"'{m}'")) + ".";
        return EvaluationMetric.Scored(Metric, score, threshold, reason, value: phrases.Length - missing.Length);
    }
}
