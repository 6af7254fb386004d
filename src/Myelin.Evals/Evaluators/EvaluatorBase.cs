namespace Myelin.Evals.Evaluators;

/// <summary>Base for synchronous single-metric evaluators: validates the input, resolves the threshold, wraps the result.</summary>
public abstract class EvaluatorBase : IEvaluator
{
    /// <summary>Creates the evaluator.</summary>
    /// <param name="metricName">The one metric it returns.</param>
    /// <param name="passThreshold">Normalised score needed to pass, in [0, 1].</param>
    protected EvaluatorBase(string metricName, double passThreshold)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metricName);
        ArgumentOutOfRangeException.ThrowIfLessThan(passThreshold, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(passThreshold, 1);
        MetricName = metricName;
        PassThreshold = passThreshold;
        MetricNames = [metricName];
    }

    /// <summary>The metric name.</summary>
    public string MetricName { get; }

    /// <summary>The default pass threshold.</summary>
    public double PassThreshold { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> MetricNames { get; }

    /// <inheritdoc />
    public Task<EvaluationResult> EvaluateAsync(EvaluationInput input, EvaluationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(input.Output);
        cancellationToken.ThrowIfCancellationRequested();
        double threshold = options?.PassThreshold ?? PassThreshold;
        return Task.FromResult(new EvaluationResult(Evaluate(input, threshold)));
    }

    /// <summary>Scores one answer.</summary>
    protected abstract EvaluationMetric Evaluate(EvaluationInput input, double threshold);

    /// <summary>A failure metric saying the item has no expected output.</summary>
    protected EvaluationMetric NeedsExpected() => EvaluationMetric.Failure(MetricName, $"'{MetricName}' needs an expected output and the item has none.");
}
