using Myelin.Evals.Evaluators;

namespace Myelin.Evals.Experiments;

public sealed class ComparisonAndGateTests
{
    [Fact]
    public void Comparison_pairs_items_and_gives_a_seeded_bootstrap_interval()
    {
        ExperimentRun baseline = Run("base", [1, 1, 1, 0, 1, 1, 0, 1, 1, 1]);
        ExperimentRun candidate = Run("cand", [1, 0, 0, 0, 1, 0, 0, 1, 0, 1]);

        ExperimentComparison comparison = ExperimentComparison.Compare(baseline, candidate, new BootstrapOptions { Seed = 7 });
        MetricComparison m = Assert.Single(comparison.Metrics);
        Assert.Equal(10, m.PairedItems);
        Assert.Equal(0.8, m.BaselineMean, 12);
        Assert.Equal(0.4, m.CandidateMean, 12);
        Assert.Equal(-0.4, m.Delta, 12);
        Assert.Equal(0, m.Improved);
        Assert.Equal(4, m.Regressed);
        Assert.True(m.CiLow < m.Delta && m.Delta < m.CiHigh);
        Assert.True(m.SignificantRegression);
        Assert.Equal(m, ExperimentComparison.Compare(baseline, candidate, new BootstrapOptions { Seed = 7 }).Metrics[0]);
        Assert.Equal(-1.0, comparison.Items.Single(i => i.ItemId == "i1").Delta);
    }

    [Fact]
    public void Comparison_of_identical_runs_has_a_zero_interval()
    {
        ExperimentRun run = Run("a", [1, 0, 0.5, 1]);
        MetricComparison m = ExperimentComparison.Compare(run, run with { Id = "b" }).Metrics[0];
        Assert.Equal((0.0, 0.0, 0.0), (m.Delta, m.CiLow, m.CiHigh));
        Assert.False(m.SignificantRegression);
    }

    [Fact]
    public void Gate_passes_or_fails_with_a_reason_per_bound()
    {
        ExperimentRun baseline = Run("base", [1, 1, 1, 0, 1, 1, 0, 1, 1, 1]);
        ExperimentRun candidate = Run("cand", [1, 0, 0, 0, 1, 0, 0, 1, 0, 1]);
        ExperimentComparison comparison = ExperimentComparison.Compare(baseline, candidate);

        GateResult ok = ExperimentGate.Evaluate(baseline, [new GateThreshold { Metric = "exact_match", MinMean = 0.75, MinPassRate = 0.8, MaxFailures = 0 }]);
        Assert.True(ok.Passed);
        Assert.Equal(["mean 0.8 >= 0.75: ok", "pass rate 0.8 >= 0.8: ok", "failures 0 <= 0: ok"], ok.Checks[0].Reasons);

        GateResult bad = ExperimentGate.Evaluate(
            candidate,
            [new GateThreshold { Metric = "exact_match", MinMean = 0.5, MaxRegression = 0.05, FailOnSignificantRegression = true }, new GateThreshold { Metric = "bleu", MinMean = 0.1 }],
            comparison);
        Assert.False(bad.Passed);
        Assert.Equal("mean 0.4 >= 0.5: FAIL", bad.Checks[0].Reasons[0]);
        Assert.Equal("delta vs baseline -0.4 >= -0.05: FAIL", bad.Checks[0].Reasons[1]);
        Assert.EndsWith("is wholly below 0: FAIL", bad.Checks[0].Reasons[2], StringComparison.Ordinal);
        Assert.Equal("metric 'bleu' was not measured in run cand", bad.Checks[1].Reasons[0]);

        Assert.Throws<ArgumentException>(() => ExperimentGate.Evaluate(candidate, [new GateThreshold { Metric = "exact_match" }]));
        Assert.Throws<ArgumentException>(() => ExperimentGate.Evaluate(candidate, [new GateThreshold { Metric = "exact_match", MaxRegression = 0.1 }]));
    }

    private static ExperimentRun Run(string id, double[] scores) => new(
        id,
        null,
        "ds",
        "v",
        DateTimeOffset.UnixEpoch,
        DateTimeOffset.UnixEpoch,
        [.. scores.Select((s, i) => new ExperimentItemResult($"i{i}", "q", "a", "x", null, 1, [EvaluationMetric.Scored("exact_match", s, 1)]))]);
}
