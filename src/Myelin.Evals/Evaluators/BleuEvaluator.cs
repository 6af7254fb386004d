using Myelin.Evals.Internal;

namespace Myelin.Evals.Evaluators;

/// <summary>
/// <c>bleu</c>: sentence BLEU (Papineni et al. 2002) of the answer against the expected output: clipped n-gram precisions
/// up to <see cref="MaxOrder"/> with uniform weights, brevity penalty exp(1 - r/c) when c ≤ r, and smoothing.
/// </summary>
public sealed class BleuEvaluator : EvaluatorBase
{
    /// <summary>The metric name.</summary>
    public const string Metric = "bleu";

    /// <summary>Creates the evaluator.</summary>
    /// <param name="maxOrder">Largest n-gram order, 1-4 (default 4).</param>
    /// <param name="smoothing">Zero-count smoothing (default add-one).</param>
    /// <param name="passThreshold">BLEU needed to pass (default 0.3).</param>
    public BleuEvaluator(int maxOrder = 4, BleuSmoothing smoothing = BleuSmoothing.AddOne, double passThreshold = 0.3)
        : base(Metric, passThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOrder, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxOrder, 4);
        MaxOrder = maxOrder;
        Smoothing = smoothing;
    }

    /// <summary>Largest n-gram order.</summary>
    public int MaxOrder { get; }

    /// <summary>Smoothing.</summary>
    public BleuSmoothing Smoothing { get; }

    /// <summary>Sentence BLEU of a candidate against one reference.</summary>
    public static double Compute(string candidate, string reference, int maxOrder = 4, BleuSmoothing smoothing = BleuSmoothing.AddOne)
    {
        List<string> c = TextTokens.Words(candidate);
        List<string> r = TextTokens.Words(reference);
        if (c.Count == 0)
        {
            return 0;
        }

        double logSum = 0;
        for (int n = 1; n <= maxOrder; n++)
        {
            Dictionary<string, int> candidateGrams = NGrams(c, n);
            Dictionary<string, int> referenceGrams = NGrams(r, n);
            double matches = candidateGrams.Sum(g => Math.Min(g.Value, referenceGrams.GetValueOrDefault(g.Key)));
            double total = Math.Max(0, c.Count - n + 1);
            switch (smoothing)
            {
                case BleuSmoothing.AddOne when n > 1:
                    matches += 1;
                    total += 1;
                    break;
                case BleuSmoothing.Epsilon when matches == 0:
                    matches = 0.1;
                    break;
            }

            if (matches == 0 || total == 0)
            {
                return 0;
            }

            logSum += Math.Log(matches / total);
        }

        double brevity = c.Count > r.Count ? 1 : Math.Exp(1 - (r.Count / (double)c.Count));
        return brevity * Math.Exp(logSum / maxOrder);
    }

    /// <inheritdoc />
    protected override EvaluationMetric Evaluate(EvaluationInput input, double threshold) =>
        input.ExpectedOutput is { } expected
            ? EvaluationMetric.Scored(Metric, Compute(input.Output, expected, MaxOrder, Smoothing), threshold)
            : NeedsExpected();

    private static Dictionary<string, int> NGrams(List<string> tokens, int n)
    {
        var grams = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i + n <= tokens.Count; i++)
        {
            string key = string.Join('\u001f', tokens.GetRange(i, n));
            grams[key] = grams.GetValueOrDefault(key) + 1;
        }

        return grams;
    }
}
