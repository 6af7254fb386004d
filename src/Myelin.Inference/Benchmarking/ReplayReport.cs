namespace Myelin.Inference.Benchmarking;

/// <summary>Aggregates of a replay: latency percentiles, throughput, goodput and prefix-cache reuse.</summary>
public sealed record ReplayReport(IReadOnlyList<ReplayResult> Results, TimeSpan Wall, TimeSpan TtftSlo, TimeSpan ItlSlo)
{
    /// <summary>Median time to first token over all requests.</summary>
    public TimeSpan TtftP50 => Percentile(Results.Select(r => r.TimeToFirstToken), 0.5);

    /// <summary>95th percentile time to first token.</summary>
    public TimeSpan TtftP95 => Percentile(Results.Select(r => r.TimeToFirstToken), 0.95);

    /// <summary>Median time to first token from each session's second turn on (where prefix reuse matters).</summary>
    public TimeSpan TtftP50LaterTurns => Percentile(Results.Where(r => r.Turn > 0).Select(r => r.TimeToFirstToken), 0.5);

    /// <summary>Median inter-token latency.</summary>
    public TimeSpan ItlP50 => Percentile(Results.SelectMany(r => r.InterTokenLatencies), 0.5);

    /// <summary>95th percentile inter-token latency.</summary>
    public TimeSpan ItlP95 => Percentile(Results.SelectMany(r => r.InterTokenLatencies), 0.95);

    /// <summary>Generated tokens per second of wall time.</summary>
    public double OutputTokensPerSecond => Results.Sum(r => r.CompletionTokens) / Math.Max(Wall.TotalSeconds, 1e-9);

    /// <summary>Requests per second that met both SLOs (TTFT and p95 ITL).</summary>
    public double Goodput => Results.Count(MeetsSlo) / Math.Max(Wall.TotalSeconds, 1e-9);

    /// <summary>Share of prompt tokens served from the cache.</summary>
    public double CacheReuse => Ratio(Results.Sum(r => r.CachedTokens), Results.Sum(r => r.PromptTokens));

    /// <summary>Share of prompt tokens an ideal tree-shaped cache would serve, or null without a tokenizer.</summary>
    public double? IdealReuse => Results.All(r => r.IdealCachedTokens is not null)
        ? Ratio(Results.Sum(r => r.IdealCachedTokens!.Value), Results.Sum(r => r.PromptTokens))
        : null;

    /// <summary>Cache reuse as a share of the ideal reuse, or null without a tokenizer.</summary>
    public double? ReuseOfIdeal => IdealReuse is { } ideal && ideal > 0 ? CacheReuse / ideal : null;

    private bool MeetsSlo(ReplayResult r) =>
        r.TimeToFirstToken <= TtftSlo && (r.InterTokenLatencies.Count == 0 || Percentile(r.InterTokenLatencies, 0.95) <= ItlSlo);

    private static double Ratio(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    /// <summary>Nearest-rank percentile; zero for an empty set.</summary>
    public static TimeSpan Percentile(IEnumerable<TimeSpan> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        TimeSpan[] sorted = [.. values.Order()];
        return sorted.Length == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
