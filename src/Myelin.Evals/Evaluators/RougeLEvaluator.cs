using Myelin.Evals.Internal;

namespace Myelin.Evals.Evaluators;

/// <summary>
/// <c>rouge_l</c>: ROUGE-L F-measure (Lin 2004) from the longest common subsequence of word tokens:
/// R = LCS / |reference|, P = LCS / |candidate|, F = (1 + β²)PR / (R + β²P).
/// </summary>
public sealed class RougeLEvaluator : EvaluatorBase
{
    /// <summary>The metric name.</summary>
    public const string Metric = "rouge_l";

    /// <summary>Creates the evaluator.</summary>
    /// <param name="beta">Weight of recall over precision (1 = balanced F1).</param>
    /// <param name="passThreshold">F needed to pass (default 0.5).</param>
    public RougeLEvaluator(double beta = 1.0, double passThreshold = 0.5)
        : base(Metric, passThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(beta);
        Beta = beta;
    }

    /// <summary>β.</summary>
    public double Beta { get; }

    /// <summary>The ROUGE-L F of a candidate against a reference.</summary>
    public static double Compute(string candidate, string reference, double beta = 1.0)
    {
        List<string> c = TextTokens.Words(candidate);
        List<string> r = TextTokens.Words(reference);
        int lcs = Lcs(c, r);
        if (lcs == 0)
        {
            return 0;
        }

        double recall = lcs / (double)r.Count;
        double precision = lcs / (double)c.Count;
        double b2 = beta * beta;
        return (1 + b2) * precision * recall / (recall + (b2 * precision));
    }

    /// <summary>The length of the longest common subsequence (two-row dynamic programme).</summary>
    internal static int Lcs(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (int i = 1; i <= a.Count; i++)
        {
            for (int j = 1; j <= b.Count; j++)
            {
                current[j] = string.Equals(a[i - 1], b[j - 1], StringComparison.Ordinal)
                    ? previous[j - 1] + 1
                    : Math.Max(previous[j], current[j - 1]);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Count];
    }

    /// <inheritdoc />
    protected override EvaluationMetric Evaluate(EvaluationInput input, double threshold) =>
        input.ExpectedOutput is { } expected ? EvaluationMetric.Scored(Metric, Compute(input.Output, expected, Beta), threshold) : NeedsExpected();
}
