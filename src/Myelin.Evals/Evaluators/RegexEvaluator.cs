using System.Text.RegularExpressions;

namespace Myelin.Evals.Evaluators;

/// <summary><c>regex</c>: 1 when the answer matches the pattern (with a match timeout so a hostile answer cannot stall a run).</summary>
public sealed class RegexEvaluator : EvaluatorBase
{
    /// <summary>The metric name.</summary>
    public const string Metric = "regex";

    private readonly Regex _regex;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="pattern">A .NET regular expression.</param>
    /// <param name="options">Regex options (culture-invariant is always added).</param>
    /// <exception cref="ArgumentException">The pattern is not a valid regular expression.</exception>
    public RegexEvaluator(string pattern, RegexOptions options = RegexOptions.None)
        : base(Metric, 1.0)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        _regex = new Regex(pattern, options | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        Pattern = pattern;
    }

    /// <summary>The pattern.</summary>
    public string Pattern { get; }

    /// <inheritdoc />
    protected override EvaluationMetric Evaluate(EvaluationInput input, double threshold)
    {
        try
        {
            bool match = _regex.IsMatch(input.Output);
            return EvaluationMetric.Scored(Metric, match ? 1 : 0, threshold, match ? $"Matches /{Pattern}/." : $"Does not match /{Pattern}/.");
        }
        catch (RegexMatchTimeoutException)
        {
            return EvaluationMetric.Failure(Metric, $"Matching /{Pattern}/ timed out after 1 s.");
        }
    }
}
