namespace Myelin.Evals.Experiments;

/// <summary>A finished experiment: a dataset version run through a target and scored.</summary>
/// <param name="Id">Run id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Dataset">Dataset name.</param>
/// <param name="DatasetVersion">Dataset version id.</param>
/// <param name="StartedAt">Start time.</param>
/// <param name="CompletedAt">End time.</param>
/// <param name="Items">Per-item results in dataset order.</param>
public sealed record ExperimentRun(
    string Id,
    string? Name,
    string Dataset,
    string DatasetVersion,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    IReadOnlyList<ExperimentItemResult> Items)
{
    /// <summary>Every metric name that occurs, sorted.</summary>
    public IReadOnlyList<string> MetricNames =>
        [.. Items.SelectMany(i => i.Metrics).Select(m => m.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Items whose target call failed.</summary>
    public int TargetFailures => Items.Count(i => i.Error is not null);

    /// <summary>Aggregates one metric: mean score and pass rate over scored items; failures counted apart, never as zeros.</summary>
    public MetricSummary Summarize(string metric)
    {
        ArgumentException.ThrowIfNullOrEmpty(metric);
        int count = 0;
        int passed = 0;
        int failures = 0;
        double sum = 0;
        foreach (ExperimentItemResult item in Items)
        {
            Evaluators.EvaluationMetric? m = item.Metrics.FirstOrDefault(x => x.Name == metric);
            if (item.Error is not null || m is null || m.IsFailure || m.Score is null)
            {
                failures += item.Error is not null || m is { IsFailure: true } ? 1 : 0;
                continue;
            }

            count++;
            sum += m.Score.Value;
            passed += m.Passed ? 1 : 0;
        }

        return new MetricSummary(metric, count, count == 0 ? 0 : sum / count, count == 0 ? 0 : passed / (double)count, failures);
    }

    /// <summary>Every metric aggregated.</summary>
    public IReadOnlyList<MetricSummary> Summaries() => [.. MetricNames.Select(Summarize)];
}
