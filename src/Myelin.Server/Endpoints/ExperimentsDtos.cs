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

/// <summary>A model to call: one this server serves (<c>model</c> only) or an OpenAI-compatible endpoint (<c>url</c> + <c>model</c>).</summary>
/// <param name="Model">Model id (served here, or at the remote endpoint).</param>
/// <param name="Url">A remote OpenAI-compatible API base ending in <c>/v1</c>; admin keys only.</param>
/// <param name="ApiKey">Bearer key for the remote endpoint.</param>
public sealed record ExperimentModelInput(string? Model, string? Url, string? ApiKey);

/// <summary>The body of <c>POST /api/experiments/runs</c>.</summary>
/// <param name="Dataset">Dataset name.</param>
/// <param name="Version">Version id, number (<c>v3</c>) or <c>latest</c> (default).</param>
/// <param name="Target">The model under test.</param>
/// <param name="Evaluators">Evaluator names (see <c>EvaluatorCatalog</c>).</param>
/// <param name="Judge">The judge model for judge rubrics and judged groundedness.</param>
/// <param name="Prompt">User template with <c>{{input}}</c> (default <c>{{input}}</c>).</param>
/// <param name="SystemPrompt">Optional system prompt template.</param>
/// <param name="Name">Display name of the run.</param>
/// <param name="MaxTokens">Most tokens per answer (1-4096, default 256).</param>
/// <param name="Temperature">Sampling temperature (0-2, default 0).</param>
/// <param name="Seed">Sampling seed.</param>
/// <param name="Concurrency">Items in flight (1-16, default 4).</param>
public sealed record ExperimentStartRequest(
    string? Dataset,
    string? Version,
    ExperimentModelInput? Target,
    IReadOnlyList<string>? Evaluators,
    ExperimentModelInput? Judge,
    string? Prompt,
    string? SystemPrompt,
    string? Name,
    int? MaxTokens,
    double? Temperature,
    long? Seed,
    int? Concurrency);
