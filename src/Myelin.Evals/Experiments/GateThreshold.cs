namespace Myelin.Evals.Experiments;

/// <summary>What one metric must reach for a run to pass a gate. Unset bounds are not checked; at least one must be set.</summary>
public sealed record GateThreshold
{
    /// <summary>The metric checked.</summary>
    public required string Metric { get; init; }

    /// <summary>Lowest acceptable mean score (0-1).</summary>
    public double? MinMean { get; init; }

    /// <summary>Lowest acceptable pass rate (0-1).</summary>
    public double? MinPassRate { get; init; }

    /// <summary>Most evaluation or target failures tolerated for this metric.</summary>
    public int? MaxFailures { get; init; }

    /// <summary>Largest tolerated drop of the mean against the baseline (needs a comparison), e.g. 0.02.</summary>
    public double? MaxRegression { get; init; }

    /// <summary>Fail when the bootstrap interval of the delta lies wholly below zero (needs a comparison).</summary>
    public bool FailOnSignificantRegression { get; init; }
}
