using System.Text.Json;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Evals.Evaluators;
using Myelin.Evals.Experiments;

namespace Myelin.Evals.Detectors;

public sealed class SessionDetectionTests
{
    [Fact]
    public async Task A_stored_session_is_scored_online_and_flagged_findings_are_appended()
    {
        ExperienceRecord[] spans =
        [
            Span("00000000000000000000000000000002", "2024-01-01T00:01:00Z", "How tall is it?", "Bananas grow in tropical climates and are rich in potassium."),
            Span("00000000000000000000000000000001", "2024-01-01T00:00:00Z", "Tell me about the Eiffel Tower.", "The Eiffel Tower is an iron tower in Paris."),
        ];
        LogQuery? seen = null;
        var appended = new List<NewExperienceRecord>();
        var log = new TestExperienceLog
        {
            QueryCallback = (_, q) =>
            {
                seen = q;
                return spans;
            },
            AppendCallback = (_, records, _) =>
            {
                appended.AddRange(records);
                return Task.FromResult<IReadOnlyList<AppendResult>>([]);
            },
        };

        IReadOnlyList<Finding> findings = await SessionDetection.RunAsync(log, new TenantId("acme"), "s-1", [new DriftDetector(), new SilentMismatchDetector()]);

        Assert.Equal("s-1", seen!.SessionId);
        Assert.Equal(4, findings.Count);
        Assert.Contains(appended, r => r.TraceId == "00000000000000000000000000000002" && r.IdempotencyKey == "finding:drift:s-1:1");
        Assert.Contains(appended, r => r.IdempotencyKey == "finding:silent_mismatch:s-1:1");
        Assert.DoesNotContain(appended, r => r.TraceId == "00000000000000000000000000000001");
    }

    [Fact]
    public void An_experiment_run_becomes_single_turn_conversations_with_golden_answers()
    {
        var run = new ExperimentRun("r", null, "ds", "v", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
        [
            new ExperimentItemResult("a", "How tall?", "330 metres", "Definitely 450 metres.", null, 1, [EvaluationMetric.Scored("m", 0, 1)]),
            new ExperimentItemResult("b", "q", null, null, "boom", 1, []),
        ]);
        Conversation conversation = Assert.Single(DetectionSources.FromExperiment(run, [new Datasets.DatasetItem { Id = "a", Input = "How tall?", Context = ["c"] }]));
        Assert.Equal("r/a", conversation.SessionId);
        Assert.Equal("330 metres", conversation.Turns[0].ExpectedOutput);
        Assert.Equal(["c"], conversation.Turns[0].Context);
    }

    private static ExperienceRecord Span(string traceId, string start, string user, string assistant)
    {
        string input = JsonSerializer.Serialize($$"""[{"role":"user","parts":[{"type":"text","content":"{{user}}"}]}]""", Internal.EvalsTestJson.Default.String);
        string output = JsonSerializer.Serialize($$"""[{"role":"assistant","parts":[{"type":"text","content":"{{assistant}}"}]}]""", Internal.EvalsTestJson.Default.String);
        string payload = $$$"""{"traceId":"{{{traceId}}}","spanId":"0000000000000001","startTime":"{{{start}}}","attributes":{"gen_ai.input.messages":{{{input}}},"gen_ai.output.messages":{{{output}}}}}""";
        return new ExperienceRecord(new TenantId("acme"), 1, ExperienceKinds.Span, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, traceId, "s-1", null, null, payload);
    }
}
