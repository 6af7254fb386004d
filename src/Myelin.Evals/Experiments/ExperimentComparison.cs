namespace Myelin.Evals.Experiments;

/// <summary>Two runs compared item by item: per-metric deltas with paired-bootstrap confidence intervals, and every item's scores.</summary>
/// <param name="BaselineRunId">The baseline run.</param>
/// <param name="CandidateRunId">The candidate run.</param>
/// <param name="Metrics">One comparison per metric present in both runs.</param>
/// <param name="Items">Per item and metric, in baseline order.</param>
public sealed record ExperimentComparison(
    string BaselineRunId, string CandidateRunId, IReadOnlyList<MetricComparison> Metrics, IReadOnlyList<ItemComparison> Items)
{
    /// <summary>Compares <paramref name="candidate"/> with <paramref name="baseline"/>, pairing items by id.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Bootstrap settings are out of range.</exception>
    public static ExperimentComparison Compare(ExperimentRun baseline, ExperimentRun candidate, BootstrapOptions? bootstrap = null)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        bootstrap ??= new BootstrapOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(bootstrap.Resamples, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bootstrap.Resamples, 100_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(bootstrap.Confidence, 0.5);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bootstrap.Confidence, 0.999);

        Dictionary<string, ExperimentItemResult> byId = candidate.Items.ToDictionary(i => i.ItemId, StringComparer.Ordinal);
        string[] metrics = [.. baseline.MetricNames.Intersect(candidate.MetricNames, StringComparer.Ordinal)];
        var items = new List<ItemComparison>();
        var summaries = new List<MetricComparison>();
        foreach (string metric in metrics)
        {
            var pairs = new List<(double Baseline, double Candidate)>();
            foreach (ExperimentItemResult item in baseline.Items)
            {
                double? b = item.Score(metric);
                double? c = byId.TryGetValue(item.ItemId, out ExperimentItemResult? other) ? other.Score(metric) : null;
                items.Add(new ItemComparison(item.ItemId, metric, b, c));
                if (b is { } bv && c is { } cv)
                {
                    pairs.Add((bv, cv));
                }
            }

            summaries.Add(Summarize(metric, pairs, bootstrap));
        }

        return new ExperimentComparison(baseline.Id, candidate.Id, summaries, items);
    }

    private static MetricComparison Summarize(string metric, List<(double Baseline, double Candidate)> pairs, BootstrapOptions bootstrap)
    {
        if (pairs.Count == 0)
        {
            return new MetricComparison(metric, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        double[] deltas = [.. pairs.Select(p => p.Candidate - p.Baseline)];
        double delta = deltas.Average();
        var random = new Random(bootstrap.Seed);
        var means = new double[bootstrap.Resamples];
        for (int r = 0; r < means.Length; r++)
        {
            double sum = 0;
            for (int i = 0; i < deltas.Length; i++)
            {
                sum += deltas[random.Next(deltas.Length)];
            }

            means[r] = sum / deltas.Length;
        }

        Array.Sort(means);
        double tail = (1 - bootstrap.Confidence) / 2;
        double low = Percentile(means, tail);
        double high = Percentile(means, 1 - tail);
        return new MetricComparison(
            metric,
            pairs.Count,
            pairs.Average(p => p.Baseline),
            pairs.Average(p => p.Candidate),
            delta,
            low,
            high,
            deltas.Count(d => d > 0),
            deltas.Count(d => d < 0));
    }

    // Linear interpolation between closest ranks (the "R-7" definition, numpy's default).
    private static double Percentile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}
