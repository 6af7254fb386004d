using Myelin.Evals.Evaluators;

namespace Myelin.Evals.Experiments;

/// <summary>One item of a run: what the target answered and how it scored.</summary>
/// <param name="ItemId">The dataset item id.</param>
/// <param name="Input">The item's input.</param>
/// <param name="ExpectedOutput">The item's golden answer.</param>
/// <param name="Output">The target's answer; null when the call failed.</param>
/// <param name="Error">Why the target call failed; null on success.</param>
/// <param name="DurationMs">Time of the target call.</param>
/// <param name="Metrics">Every evaluator's metrics (empty when the call failed).</param>
public sealed record ExperimentItemResult(
    string ItemId,
    string Input,
    string? ExpectedOutput,
    string? Output,
    string? Error,
    double DurationMs,
    IReadOnlyList<EvaluationMetric> Metrics)
{
    /// <summary>The score of a metric, or null when absent or failed.</summary>
    public double? Score(string metric) => Metrics.FirstOrDefault(m => m.Name == metric && !m.IsFailure)?.Score;
}
