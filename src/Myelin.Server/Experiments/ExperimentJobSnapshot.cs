using Myelin.Evals.Experiments;

namespace Myelin.Server.Experiments;

/// <summary>An experiment job as <c>GET /api/experiments/runs/{id}</c> reports it.</summary>
/// <param name="Id">Job id.</param>
/// <param name="State">Queued, running, succeeded or failed.</param>
/// <param name="Completed">Items finished.</param>
/// <param name="Total">Items in the run.</param>
/// <param name="TargetFailures">Items whose target call failed so far.</param>
/// <param name="Dataset">Dataset name.</param>
/// <param name="DatasetVersion">Dataset version id.</param>
/// <param name="RunId">The stored run (once succeeded); read it at <c>/api/experiments/{runId}</c>.</param>
/// <param name="Error">Why the job failed.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Summaries">Per-metric aggregates (once succeeded).</param>
public sealed record ExperimentJobSnapshot(
    string Id,
    ExperimentJobState State,
    int Completed,
    int Total,
    int TargetFailures,
    string Dataset,
    string DatasetVersion,
    string? RunId,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<MetricSummary>? Summaries);
