using System.Globalization;
using System.Text.RegularExpressions;

namespace Myelin.Evals.Evaluators;

/// <summary>
/// <c>numeric</c>: reads the first number in the answer and in the expected output (thousands separators allowed) and
/// passes when |answer - expected| ≤ absolute + relative × |expected|. The value is the absolute error.
/// </summary>
public sealed partial class NumericToleranceEvaluator : EvaluatorBase
{
    /// <summary>The metric name.</summary>
    public const string Metric = "numeric";

    /// <summary>Creates the evaluator.</summary>
    /// <param name="absoluteTolerance">Allowed absolute error (≥ 0).</param>
    /// <param name="relativeTolerance">Allowed error relative to the expected value (≥ 0).</param>
    public NumericToleranceEvaluator(double absoluteTolerance = 1e-9, double relativeTolerance = 0)
        : base(Metric, 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(absoluteTolerance);
        ArgumentOutOfRangeException.ThrowIfNegative(relativeTolerance);
        AbsoluteTolerance = absoluteTolerance;
        RelativeTolerance = relativeTolerance;
    }

    /// <summary>Allowed absolute error.</summary>
    public double AbsoluteTolerance { get; }

    /// <summary>Allowed relative error.</summary>
    public double RelativeTolerance { get; }

    /// <summary>The first number in <paramref name="text"/>, or null.</summary>
    public static double? FirstNumber(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Match match = Number().Match(text);
        return match.Success && double.TryParse(match.Value.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : null;
    }

    /// <inheritdoc />
    protected override EvaluationMetric Evaluate(EvaluationInput input, double threshold)
    {
        if (input.ExpectedOutput is not { } expectedText)
        {
            return NeedsExpected();
        }

        if (FirstNumber(expectedText) is not { } expected)
        {
            return EvaluationMetric.Failure(Metric, $"The expected output '{expectedText}' holds no number.");
        }

        if (FirstNumber(input.Output) is not { } actual)
        {
            return EvaluationMetric.Scored(Metric, 0, threshold, "The answer holds no number.");
        }

        double error = Math.Abs(actual - expected);
        double allowed = AbsoluteTolerance + (RelativeTolerance * Math.Abs(expected));
        bool within = error <= allowed;
        string reason = string.Create(CultureInfo.InvariantCulture, $"Answer {actual} vs expected {expected}: error {error:G6}, allowed {allowed:G6}.");
        return EvaluationMetric.Scored(Metric, within ? 1 : 0, threshold, reason, value: error);
    }

    [GeneratedRegex(@"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+]?\.\d+")]
    private static partial Regex Number();
}
