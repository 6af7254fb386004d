namespace Myelin.Evals.Traces;

/// <summary>How one evaluator or detector did on the traces evaluated within a time window.</summary>
/// <param name="Name">The metric name or finding kind.</param>
/// <param name="From">Window start (inclusive).</param>
/// <param name="To">Window end (exclusive).</param>
/// <param name="Traces">Traces with at least one result of <paramref name="Name"/> in the window.</param>
/// <param name="Flagged">Of those, traces with a flagged result (a finding, or a failing metric).</param>
/// <param name="MeanScore">Mean over traces of each trace's mean score; null when none had a score.</param>
public sealed record WindowedRate(string Name, DateTimeOffset From, DateTimeOffset To, long Traces, long Flagged, double? MeanScore)
{
    /// <summary><see cref="Flagged"/> / <see cref="Traces"/>; null for an empty window.</summary>
    public double? Rate => Traces == 0 ? null : Flagged / (double)Traces;
}
