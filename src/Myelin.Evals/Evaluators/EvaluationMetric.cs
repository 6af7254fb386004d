namespace Myelin.Evals.Evaluators;

/// <summary>One named measurement of an answer: a normalised score, an optional typed value, pass/fail and the reason.</summary>
/// <remarks>
/// A metric with <see cref="Error"/> set is a failed evaluation (the evaluator could not score): it has no score and
/// does not pass. Aggregations count such metrics separately rather than as zeros.
/// </remarks>
public sealed record EvaluationMetric
{
    private readonly double? _score;

    /// <summary>Creates a metric named <paramref name="name"/>.</summary>
    public EvaluationMetric(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The metric name, e.g. <c>bleu</c>.</summary>
    public string Name { get; }

    /// <summary>The normalised score in [0, 1] (1 is best); null for failures and purely typed metrics.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [0, 1] or NaN.</exception>
    public double? Score
    {
        get => _score;
        init
        {
            if (value is { } v && !(v >= 0 && v <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), v, "A metric score must be within [0, 1].");
            }

            _score = value;
        }
    }

    /// <summary>A typed raw value (the judge's rubric score, an absolute error, a count), when the metric has one.</summary>
    public double? Value { get; init; }

    /// <summary>A categorical value (e.g. <c>yes</c>/<c>no</c>), when the metric has one.</summary>
    public string? Label { get; init; }

    /// <summary>Whether the answer passes this metric's threshold; false for failures.</summary>
    public bool Passed { get; init; }

    /// <summary>Why the score is what it is.</summary>
    public string? Reason { get; init; }

    /// <summary>Set when the evaluation itself failed; says why.</summary>
    public string? Error { get; init; }

    /// <summary>Whether this is a failed evaluation rather than a score.</summary>
    public bool IsFailure => Error is not null;

    /// <summary>A scored metric that passes when <paramref name="score"/> reaches <paramref name="threshold"/>.</summary>
    public static EvaluationMetric Scored(string name, double score, double threshold, string? reason = null, double? value = null) =>
        new(name) { Score = Math.Clamp(score, 0, 1), Passed = score >= threshold, Reason = reason, Value = value };

    /// <summary>A failed evaluation.</summary>
    public static EvaluationMetric Failure(string name, string error) => new(name) { Error = error, Passed = false };
}
