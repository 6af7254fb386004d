using System.Globalization;

namespace Myelin.Evals.Experiments;

/// <summary>Turns thresholds into a pass/fail verdict on a run, with a reason per bound; model promotion uses it.</summary>
public static class ExperimentGate
{
    /// <summary>Checks <paramref name="run"/> against <paramref name="thresholds"/>.</summary>
    /// <param name="run">The candidate run.</param>
    /// <param name="thresholds">Bounds per metric.</param>
    /// <param name="comparison">The run compared with a baseline; required by regression bounds.</param>
    /// <exception cref="ArgumentException">A threshold sets no bound, a bound is out of range, or a regression bound has no comparison.</exception>
    public static GateResult Evaluate(ExperimentRun run, IReadOnlyList<GateThreshold> thresholds, ExperimentComparison? comparison = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (thresholds.Count == 0)
        {
            throw new ArgumentException("A gate needs at least one threshold.", nameof(thresholds));
        }

        var checks = new List<GateCheck>(thresholds.Count);
        foreach (GateThreshold threshold in thresholds)
        {
            Validate(threshold, comparison);
            MetricSummary summary = run.Summarize(threshold.Metric);
            var reasons = new List<string>();
            bool passed = true;
            if (summary.Count == 0 && summary.Failures == 0)
            {
                passed = false;
                reasons.Add($"metric '{threshold.Metric}' was not measured in run {run.Id}");
            }

            if (threshold.MinMean is { } minMean)
            {
                passed &= Check(reasons, "mean", summary.Mean, ">=", minMean, summary.Mean >= minMean);
            }

            if (threshold.MinPassRate is { } minPass)
            {
                passed &= Check(reasons, "pass rate", summary.PassRate, ">=", minPass, summary.PassRate >= minPass);
            }

            if (threshold.MaxFailures is { } maxFailures)
            {
                passed &= Check(reasons, "failures", summary.Failures, "<=", maxFailures, summary.Failures <= maxFailures);
            }

            if (threshold.MaxRegression is not null || threshold.FailOnSignificantRegression)
            {
                passed &= CheckRegression(threshold, comparison!, reasons);
            }

            checks.Add(new GateCheck(threshold.Metric, passed, reasons));
        }

        return new GateResult(checks.All(c => c.Passed), checks);
    }

    private static bool CheckRegression(GateThreshold threshold, ExperimentComparison comparison, List<string> reasons)
    {
        MetricComparison? compared = comparison.Metrics.FirstOrDefault(m => m.Metric == threshold.Metric);
        if (compared is null || compared.PairedItems == 0)
        {
            reasons.Add($"no paired scores of '{threshold.Metric}' to compare with the baseline: FAIL");
            return false;
        }

        bool passed = true;
        if (threshold.MaxRegression is { } maxRegression)
        {
            passed &= Check(reasons, "delta vs baseline", compared.Delta, ">=", -maxRegression, compared.Delta >= -maxRegression);
        }

        if (threshold.FailOnSignificantRegression)
        {
            bool ok = !compared.SignificantRegression;
            reasons.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"delta CI [{compared.CiLow:0.####}, {compared.CiHigh:0.####}] {(ok ? "is not wholly below 0" : "is wholly below 0")}: {(ok ? "ok" : "FAIL")}"));
            passed &= ok;
        }

        return passed;
    }

    private static bool Check(List<string> reasons, string what, double value, string op, double bound, bool ok)
    {
        reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{what} {value:0.####} {op} {bound:0.####}: {(ok ? "ok" : "FAIL")}"));
        return ok;
    }

    private static void Validate(GateThreshold threshold, ExperimentComparison? comparison)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        ArgumentException.ThrowIfNullOrWhiteSpace(threshold.Metric);
        if (threshold is { MinMean: null, MinPassRate: null, MaxFailures: null, MaxRegression: null, FailOnSignificantRegression: false })
        {
            throw new ArgumentException($"The threshold on '{threshold.Metric}' sets no bound.", nameof(threshold));
        }

        if (threshold.MinMean is < 0 or > 1 || threshold.MinPassRate is < 0 or > 1 || threshold.MaxRegression is < 0 or > 1 || threshold.MaxFailures is < 0)
        {
            throw new ArgumentException($"A bound on '{threshold.Metric}' is out of range (scores and rates 0-1, failures >= 0).", nameof(threshold));
        }

        if ((threshold.MaxRegression is not null || threshold.FailOnSignificantRegression) && comparison is null)
        {
            throw new ArgumentException($"The threshold on '{threshold.Metric}' bounds the regression, which needs a comparison with a baseline run.", nameof(comparison));
        }
    }
}
