namespace Myelin.Evals.Experiments;

/// <summary>One metric aggregated over a run.</summary>
/// <param name="Name">Metric name.</param>
/// <param name="Count">Items with a score.</param>
/// <param name="Mean">Mean score over those items (0 when none).</param>
/// <param name="PassRate">Share of scored items that passed (0 when none).</param>
/// <param name="Failures">Items whose evaluation of this metric failed, or whose target call failed.</param>
public sealed record MetricSummary(string Name, int Count, double Mean, double PassRate, int Failures);
