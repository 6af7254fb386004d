namespace Myelin.Evals.Experiments;

/// <summary>One item's score on one metric in both runs.</summary>
/// <param name="ItemId">Item id.</param>
/// <param name="Metric">Metric name.</param>
/// <param name="Baseline">Baseline score; null when missing or failed.</param>
/// <param name="Candidate">Candidate score; null when missing or failed.</param>
public sealed record ItemComparison(string ItemId, string Metric, double? Baseline, double? Candidate)
{
    /// <summary>Candidate minus baseline, when both exist.</summary>
    public double? Delta => Baseline is { } b && Candidate is { } c ? c - b : null;
}
