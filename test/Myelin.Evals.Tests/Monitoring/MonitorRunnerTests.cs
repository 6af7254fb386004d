using Myelin.Core.Log;
using Myelin.Evals.Detectors;
using Myelin.Evals.Evaluators;
using Myelin.Evals.Traces;

namespace Myelin.Evals.Monitoring;

public sealed class MonitorRunnerTests
{
    private static readonly MonitorConfig s_monitor = new()
    {
        Name = "all",
        Detectors = [FindingKinds.Drift],
        Evaluators = [AnswerRelevanceEvaluator.Metric],
        Annotate = [FindingKinds.Drift],
    };

    [Fact]
    public async Task Traces_are_scored_findings_stored_and_the_trace_list_filters_by_finding_and_score()
    {
        await using MonitoringFixture f = await MonitoringFixture.CreateAsync();
        await f.Store.PutMonitorAsync(MonitoringFixture.Tenant, s_monitor);
        await f.AddStandardTracesAsync();

        MonitorPass pass = await f.Runner.RunAsync(MonitoringFixture.Tenant);

        Assert.Equal(new MonitorPass(3, 3, 3, 6, 1, 1), pass);
        TraceResult drift = Assert.Single(await f.Traces.GetResultsAsync(MonitoringFixture.Tenant, MonitoringFixture.TraceId(2)), r => r.Name == FindingKinds.Drift);
        Assert.True(drift.Flagged);
        Assert.Equal(1, drift.TurnIndex);
        Assert.Equal([MonitoringFixture.TraceId(2)], await f.ListAsync(new TraceQuery { Finding = FindingKinds.Drift }));
        Assert.Equal([MonitoringFixture.TraceId(2)], await f.ListAsync(new TraceQuery { Scores = [ScoreFilter.Parse("answer_relevance<0.5")] }));
        Assert.Equal([MonitoringFixture.TraceId(1), MonitoringFixture.TraceId(3)], await f.ListAsync(new TraceQuery { Scores = [ScoreFilter.Parse("answer_relevance>=0.9")] }));
        Assert.Empty(await f.ListAsync(new TraceQuery { Finding = FindingKinds.Drift, Scores = [ScoreFilter.Parse("answer_relevance>0.5")] }));

        ExperienceRecord finding = Assert.Single(await f.Storage.Log.QueryAsync(MonitoringFixture.Tenant, new LogQuery { Kinds = [ExperienceKinds.Finding] }));
        Assert.Equal(MonitoringFixture.TraceId(2), finding.TraceId);
        AnnotationItem item = Assert.Single(await f.Store.ListAnnotationsAsync(MonitoringFixture.Tenant, AnnotationStatus.Pending, 10));
        Assert.Equal((MonitoringFixture.TraceId(2), FindingKinds.Drift, "finding"), (item.TraceId, item.Name, item.Source));

        WindowedRate rate = await f.Traces.GetRateAsync(
            MonitoringFixture.Tenant, FindingKinds.Drift, f.Time.GetUtcNow().AddMinutes(-15), f.Time.GetUtcNow().AddMinutes(1));
        Assert.Equal((3L, 1L), (rate.Traces, rate.Flagged));
        Assert.Equal(1 / 3.0, rate.Rate!.Value, 12);

        // Nothing new: the checkpoint holds and nothing is evaluated twice.
        Assert.Equal(MonitorPass.Empty, await f.Runner.RunAsync(MonitoringFixture.Tenant));
    }

    [Fact]
    public async Task Sampling_and_model_and_agent_filters_decide_which_traces_are_evaluated()
    {
        await using MonitoringFixture f = await MonitoringFixture.CreateAsync();
        await f.Store.PutMonitorAsync(MonitoringFixture.Tenant, s_monitor with { Name = "none", SamplingRate = 0 });
        await f.Store.PutMonitorAsync(MonitoringFixture.Tenant, s_monitor with { Name = "other-model", Models = ["other"] });
        await f.Store.PutMonitorAsync(MonitoringFixture.Tenant, s_monitor with { Name = "planner", Agents = ["planner"], Annotate = [] });
        await f.AddTurnAsync(1, null, "What is the capital of France?", "Paris is the capital of France.", agent: "planner");
        await f.AddTurnAsync(2, null, "What is the capital of Spain?", "Madrid is the capital of Spain.", agent: "writer");

        MonitorPass pass = await f.Runner.RunAsync(MonitoringFixture.Tenant);

        Assert.Equal(1, pass.Evaluated);
        Assert.All(await f.Traces.GetResultsAsync(MonitoringFixture.Tenant, MonitoringFixture.TraceId(1)), r => Assert.Equal("planner", r.Monitor));
        Assert.Empty(await f.Traces.GetResultsAsync(MonitoringFixture.Tenant, MonitoringFixture.TraceId(2)));
    }

    [Fact]
    public async Task Monitors_see_traces_stored_after_they_exist()
    {
        await using MonitoringFixture f = await MonitoringFixture.CreateAsync();
        await f.AddTurnAsync(1, null, "What is the capital of France?", "Paris is the capital of France.");
        Assert.Equal(MonitorPass.Empty, await f.Runner.RunAsync(MonitoringFixture.Tenant));

        await f.Store.PutMonitorAsync(MonitoringFixture.Tenant, s_monitor);
        Assert.Equal(MonitorPass.Empty, await f.Runner.RunAsync(MonitoringFixture.Tenant));
        await f.AddTurnAsync(2, null, "What is the capital of Spain?", "Madrid is the capital of Spain.");

        Assert.Equal(1, (await f.Runner.RunAsync(MonitoringFixture.Tenant)).Evaluated);
        Assert.Empty(await f.Traces.GetResultsAsync(MonitoringFixture.Tenant, MonitoringFixture.TraceId(1)));
    }

    [Fact]
    public async Task A_finding_rate_rule_fires_once_and_resolves_when_the_window_clears()
    {
        await using MonitoringFixture f = await MonitoringFixture.CreateAsync();
        await f.Store.PutMonitorAsync(MonitoringFixture.Tenant, s_monitor);
        await f.Store.PutRuleAsync(MonitoringFixture.Tenant, new AlertRule
        {
            Name = "drift-rate",
            Kind = AlertRuleKind.FindingRate,
            Target = FindingKinds.Drift,
            Threshold = 0.3,
            Window = TimeSpan.FromMinutes(15),
            MinCount = 2,
        });
        var pipeline = new MonitoringPipeline(f.Runner, f.Alerts, f.Store, notifier: null);
        await f.AddStandardTracesAsync();

        AlertEvent fired = Assert.Single((await pipeline.RunAsync(MonitoringFixture.Tenant)).Events);
        Assert.Equal((AlertState.Firing, 3L, 1L), (fired.State, fired.Traces, fired.Flagged));
        Assert.Equal(1 / 3.0, fired.Value!.Value, 12);
        Assert.Empty((await pipeline.RunAsync(MonitoringFixture.Tenant)).Events);

        // The old traces leave the window; an empty window is too sparse to judge, so the rule keeps firing.
        f.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.Empty((await pipeline.RunAsync(MonitoringFixture.Tenant)).Events);
        Assert.Equal(AlertState.Firing, Assert.Single(await f.Store.ListRulesAsync(MonitoringFixture.Tenant)).State);

        await f.AddTurnAsync(10, null, "What is the capital of France?", "Paris is the capital of France.");
        await f.AddTurnAsync(11, null, "What is the capital of Spain?", "Madrid is the capital of Spain.");
        AlertEvent resolved = Assert.Single((await pipeline.RunAsync(MonitoringFixture.Tenant)).Events);
        Assert.Equal((AlertState.Resolved, 2L, 0L), (resolved.State, resolved.Traces, resolved.Flagged));
        Assert.Equal([resolved.Id, fired.Id], (await f.Store.ListEventsAsync(MonitoringFixture.Tenant, null, 10)).Select(e => e.Id));
    }

    [Fact]
    public async Task Agreement_pairs_human_labels_with_the_detector_labels_of_the_same_traces()
    {
        await using MonitoringFixture f = await MonitoringFixture.CreateAsync();
        await f.Store.PutMonitorAsync(MonitoringFixture.Tenant, s_monitor);
        await f.AddStandardTracesAsync();
        await f.Runner.RunAsync(MonitoringFixture.Tenant);
        foreach ((int trace, string label) in new[] { (1, "ok"), (1, "flagged"), (2, "flagged"), (3, "ok"), (4, "ok") })
        {
            await f.Store.AddFeedbackAsync(
                MonitoringFixture.Tenant, new Feedback { TraceId = MonitoringFixture.TraceId(trace), Evaluator = FindingKinds.Drift, Label = label, Author = "k" });
        }

        // Machine: ok, flagged, ok. Human (latest per trace): flagged, flagged, ok; trace 4 was never evaluated.
        // p_o = 2/3; p_e = (2/3)(1/3) + (1/3)(2/3) = 4/9; κ = (2/9) / (5/9) = 0.4.
        EvaluatorAgreement agreement = Assert.Single(await EvaluatorAgreement.ComputeAsync(f.Store, f.Traces, MonitoringFixture.Tenant, null));
        Assert.Equal((FindingKinds.Drift, 4, 3), (agreement.Evaluator, agreement.HumanLabels, agreement.Agreement.Pairs));
        Assert.Equal(0.4, agreement.Agreement.Kappa!.Value, 12);
    }
}
