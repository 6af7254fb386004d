using Myelin.Evals.Experiments;

namespace Myelin.Server.Endpoints;

/// <summary>A stored experiment run.</summary>
/// <param name="Id">Run id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Dataset">Dataset name.</param>
/// <param name="DatasetVersion">Dataset version id.</param>
/// <param name="StartedAt">Start.</param>
/// <param name="CompletedAt">End.</param>
/// <param name="Summaries">Per-metric aggregates (only on a single run's answer).</param>
/// <param name="Items">Per-item results (only on a single run's answer).</param>
public sealed record ExperimentRunOutput(
    string Id,
    string? Name,
    string Dataset,
    string DatasetVersion,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    IReadOnlyList<MetricSummary>? Summaries,
    IReadOnlyList<ExperimentItemResult>? Items);

/// <summary>One bound of a gate request; see <see cref="GateThreshold"/>.</summary>
/// <param name="Metric">Metric name.</param>
/// <param name="MinMean">Lowest mean score.</param>
/// <param name="MinPassRate">Lowest pass rate.</param>
/// <param name="MaxFailures">Most failures.</param>
/// <param name="MaxRegression">Largest drop against the baseline.</param>
/// <param name="FailOnSignificantRegression">Fail when the delta's interval lies below zero.</param>
public sealed record GateThresholdInput(
    string? Metric, double? MinMean, double? MinPassRate, int? MaxFailures, double? MaxRegression, bool? FailOnSignificantRegression);

/// <summary>The body of <c>POST /api/experiments/{id}/gate</c>.</summary>
/// <param name="Thresholds">Bounds per metric.</param>
/// <param name="Baseline">Baseline run id, needed by regression bounds.</param>
/// <param name="Seed">Bootstrap seed (default 12345).</param>
public sealed record GateRequest(IReadOnlyList<GateThresholdInput>? Thresholds, string? Baseline, int? Seed);
