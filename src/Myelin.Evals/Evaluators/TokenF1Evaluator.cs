using Myelin.Evals.Internal;

namespace Myelin.Evals.Evaluators;

/// <summary>
/// <c>token_f1</c>: SQuAD-style token F1 between answer and expected output (lowercase, punctuation and articles
/// removed): precision = common / answer tokens, recall = common / expected tokens, counted as multisets.
/// </summary>
public sealed class TokenF1Evaluator : EvaluatorBase
{
    /// <summary>The metric name.</summary>
    public const string Metric = "token_f1";

    /// <summary>Creates the evaluator.</summary>
    /// <param name="passThreshold">F1 needed to pass (default 0.5).</param>
    public TokenF1Evaluator(double passThreshold = 0.5)
        : base(Metric, passThreshold)
    {
    }

    /// <summary>The token F1 of two texts (1 when both have no tokens).</summary>
    public static double Compute(string output, string expected)
    {
        List<string> candidate = TextTokens.Normalized(output);
        List<string> reference = TextTokens.Normalized(expected);
        if (candidate.Count == 0 || reference.Count == 0)
        {
            return candidate.Count == reference.Count ? 1 : 0;
        }

        var counts = reference.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        int common = 0;
        foreach (string token in candidate)
        {
            if (counts.TryGetValue(token, out int left) && left > 0)
            {
                counts[token] = left - 1;
                common++;
            }
        }

        if (common == 0)
        {
            return 0;
        }

        double precision = common / (double)candidate.Count;
        double recall = common / (double)reference.Count;
        return 2 * precision * recall / (precision + recall);
    }

    /// <inheritdoc />
    protected override EvaluationMetric Evaluate(EvaluationInput input, double threshold) =>
        input.ExpectedOutput is { } expected ? EvaluationMetric.Scored(Metric, Compute(input.Output, expected), threshold) : NeedsExpected();
}
