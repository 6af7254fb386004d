namespace Myelin.Evals.Experiments;

/// <summary>One metric compared between a baseline and a candidate run over the items both scored.</summary>
/// <param name="Metric">Metric name.</param>
/// <param name="PairedItems">Items scored in both runs.</param>
/// <param name="BaselineMean">Baseline mean over the paired items.</param>
/// <param name="CandidateMean">Candidate mean over the paired items.</param>
/// <param name="Delta">Candidate minus baseline.</param>
/// <param name="CiLow">Lower bound of the bootstrap confidence interval of the delta.</param>
/// <param name="CiHigh">Upper bound.</param>
/// <param name="Improved">Items where the candidate scored higher.</param>
/// <param name="Regressed">Items where it scored lower.</param>
public sealed record MetricComparison(
    string Metric,
    int PairedItems,
    double BaselineMean,
    double CandidateMean,
    double Delta,
    double CiLow,
    double CiHigh,
    int Improved,
    int Regressed)
{
    /// <summary>Whether the interval lies wholly below zero (a regression beyond noise).</summary>
    public bool SignificantRegression => CiHigh < 0;

    /// <summary>Whether the interval lies wholly above zero.</summary>
    public bool SignificantImprovement => CiLow > 0;
}
