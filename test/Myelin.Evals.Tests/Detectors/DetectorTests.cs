using System.Text.Json;
using Myelin.Core;
using Myelin.Core.Log;

namespace Myelin.Evals.Detectors;

public sealed class DetectorTests
{
    [Theory]
    [InlineData("How many moons does Mars have?", "Mars has a thin atmosphere.", true)]
    [InlineData("How many moons does Mars have?", "Two: Phobos and Deimos.", false)]
    [InlineData("When did Apollo 11 land?", "It was a famous mission.", true)]
    [InlineData("When did Apollo 11 land?", "On 20 July 1969.", false)]
    [InlineData("Is water wet?", "Water is a molecule of hydrogen and oxygen.", true)]
    [InlineData("Is water wet?", "Yes, in the everyday sense.", false)]
    [InlineData("Should I use tea or coffee?", "Drinks are nice.", true)]
    [InlineData("Should I use tea or coffee?", "Coffee, for the caffeine.", false)]
    [InlineData("List three primary colours.", "Red.", true)]
    [InlineData("List three primary colours.", "Red, yellow and blue.", false)]
    [InlineData("Compare Rust and Go in one sentence each.", "Rust is memory safe without a garbage collector.", true)]
    [InlineData("Summarise the plot in at most 5 words.", "A boy meets a girl and they fall in love in Paris.", true)]
    public async Task Silent_mismatch_checks_type_entities_and_constraints(string question, string answer, bool flagged)
    {
        Finding finding = Assert.Single(await new SilentMismatchDetector().DetectAsync(new Conversation("s", [new ConversationTurn { User = question, Assistant = answer }])));
        Assert.Equal(flagged, finding.Flagged);
        Assert.Equal(flagged, finding.Evidence.Count > 0);
    }

    [Fact]
    public async Task Drift_flags_unrequested_topic_shifts_but_not_requested_ones()
    {
        ConversationTurn first = new() { User = "Tell me about the Eiffel Tower.", Assistant = "The Eiffel Tower is an iron tower in Paris, finished in 1889." };
        var drifted = new Conversation("d", [first, new ConversationTurn { User = "How tall is it?", Assistant = "Bananas grow in tropical climates and are rich in potassium." }]);
        var requested = new Conversation("r", [first, new ConversationTurn { User = "Now tell me about bananas.", Assistant = "Bananas grow in tropical climates and are rich in potassium." }]);

        IReadOnlyList<Finding> a = await new DriftDetector().DetectAsync(drifted);
        IReadOnlyList<Finding> b = await new DriftDetector().DetectAsync(requested);

        Assert.False(a[0].Flagged);
        Assert.True(a[1].Flagged);
        Assert.Contains(a[1].Evidence, e => e.Contains("unrequested topic shift", StringComparison.Ordinal));
        Assert.False(b[1].Flagged);
    }

    [Fact]
    public async Task Confidence_trap_needs_both_confidence_and_evidence_of_error()
    {
        static ConversationTurn Turn(string answer) => new() { User = "How tall is the Eiffel Tower?", Assistant = answer, ExpectedOutput = "330 metres" };
        var conversation = new Conversation("c", [
            Turn("It is definitely 450 metres tall."),
            Turn("It is definitely 330 metres tall."),
            Turn("I think it might be around 450 metres, but I'm not sure."),
            new ConversationTurn { User = "How tall is it?", Assistant = "450 metres.", TokenConfidence = 0.98, Samples = ["330 metres", "330 m"] },
        ]);

        IReadOnlyList<Finding> findings = await new ConfidenceTrapDetector().DetectAsync(conversation);

        Assert.Equal([true, false, false, true], findings.Select(f => f.Flagged));
        Assert.Contains(findings[0].Evidence, e => e.Contains("golden answer", StringComparison.Ordinal));
        Assert.Contains(findings[3].Evidence, e => e.Contains("sampled answers", StringComparison.Ordinal));
        Assert.Equal(0.8, ConfidenceTrapDetector.ExpressedConfidence("Definitely."), 12);
        Assert.Equal(0.0, ConfidenceTrapDetector.ExpressedConfidence("Maybe, I think, possibly."), 12);
    }

    [Fact]
    public async Task Flagged_findings_become_finding_records_linked_to_the_trace()
    {
        var appended = new List<NewExperienceRecord>();
        var log = new TestExperienceLog
        {
            AppendCallback = (_, records, _) =>
            {
                appended.AddRange(records);
                return Task.FromResult<IReadOnlyList<AppendResult>>([]);
            },
        };
        Finding[] findings =
        [
            new(FindingKinds.Drift, "s-1", 2, "0123456789abcdef0123456789abcdef", 0.81, true, ["relevance 0.10"]),
            new(FindingKinds.Drift, "s-1", 1, null, 0.2, false, []),
        ];

        int stored = await FindingRecords.AppendFlaggedAsync(log, new TenantId("acme"), findings);

        Assert.Equal(1, stored);
        NewExperienceRecord record = Assert.Single(appended);
        Assert.Equal(ExperienceKinds.Finding, record.Kind);
        Assert.Equal("finding:drift:s-1:2", record.IdempotencyKey);
        Assert.Equal("0123456789abcdef0123456789abcdef", record.TraceId);
        using JsonDocument payload = JsonDocument.Parse(record.PayloadJson);
        Assert.Equal("drift", payload.RootElement.GetProperty("kind").GetString());
        Assert.Equal(0.81, payload.RootElement.GetProperty("score").GetDouble());
        Assert.Equal("relevance 0.10", payload.RootElement.GetProperty("evidence")[0].GetString());
    }

    [Fact]
    public void Quality_metrics_match_hand_computed_values()
    {
        // Positives 0.9, 0.4; negatives 0.5, 0.1. Pairs: (0.9>0.5) (0.9>0.1) (0.4<0.5) (0.4>0.1) -> AUROC 3/4.
        DetectorQuality q = DetectorQuality.Compute([(0.9, true), (0.4, true), (0.5, false), (0.1, false)], 0.45);
        Assert.Equal(0.75, q.Auroc, 12);
        Assert.Equal(0.5, q.Precision, 12);
        Assert.Equal(0.5, q.Recall, 12);
    }
}
