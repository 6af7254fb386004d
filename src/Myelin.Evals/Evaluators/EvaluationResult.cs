namespace Myelin.Evals.Evaluators;

/// <summary>The metrics one evaluator returned for one answer.</summary>
/// <param name="Metrics">The metrics, in the evaluator's order.</param>
public sealed record EvaluationResult(IReadOnlyList<EvaluationMetric> Metrics)
{
    /// <summary>A result of one metric.</summary>
    public EvaluationResult(EvaluationMetric metric)
        : this([metric])
    {
    }

    /// <summary>The metric named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No metric has that name.</exception>
    public EvaluationMetric Get(string name) =>
        Metrics.FirstOrDefault(m => m.Name == name) ?? throw new KeyNotFoundException($"No metric named '{name}' in this result.");
}
