using Myelin.Core;

namespace Myelin.Evals.Monitoring;

public sealed class SqliteMonitorStoreTests
{
    private static readonly TenantId s_other = new("globex");

    [Fact]
    public async Task Annotators_claim_in_order_leases_expire_and_completion_stores_the_label_as_feedback()
    {
        await using MonitoringFixture f = await MonitoringFixture.CreateAsync();
        TenantId t = MonitoringFixture.Tenant;
        AnnotationItem first = await f.Store.EnqueueAsync(t, MonitoringFixture.TraceId(1), "drift", "finding", "why");
        Assert.Equal(first.Id, (await f.Store.EnqueueAsync(t, MonitoringFixture.TraceId(1), "drift", "finding", "again")).Id);
        AnnotationItem second = await f.Store.EnqueueAsync(t, MonitoringFixture.TraceId(2), null, "manual", "look");

        AnnotationItem claimed = (await f.Store.ClaimAsync(t, null, "alice"))!;
        Assert.Equal((first.Id, AnnotationStatus.Claimed, "alice"), (claimed.Id, claimed.Status, claimed.ClaimedBy));
        Assert.Equal(second.Id, (await f.Store.ClaimAsync(t, null, "bob"))!.Id);
        Assert.Null(await f.Store.ClaimAsync(t, null, "carol"));
        await Assert.ThrowsAsync<MyelinConflictException>(() => f.Store.ClaimAsync(t, first.Id, "carol"));
        await Assert.ThrowsAsync<MyelinConflictException>(() => f.Store.CompleteAsync(t, first.Id, "bob", "ok", null));

        f.Time.Advance(f.Store.ClaimLease + TimeSpan.FromSeconds(1));
        Assert.Equal(first.Id, (await f.Store.ClaimAsync(t, null, "carol"))!.Id);
        AnnotationItem done = await f.Store.CompleteAsync(t, first.Id, "carol", "flagged", "off topic");

        Assert.Equal((AnnotationStatus.Completed, "flagged", "off topic"), (done.Status, done.Label, done.Comment));
        await Assert.ThrowsAsync<MyelinConflictException>(() => f.Store.CompleteAsync(t, first.Id, "carol", "ok", null));
        Feedback feedback = Assert.Single(await f.Store.ListFeedbackAsync(t, MonitoringFixture.TraceId(1)));
        Assert.Equal(("drift", "flagged", "carol"), (feedback.Evaluator, feedback.Label, feedback.Author));
        Assert.Equal([("00000000000000000000000000000001", "flagged")], await f.Store.GetHumanLabelsAsync(t, "drift", 10));
    }

    [Fact]
    public async Task Every_record_is_scoped_to_its_tenant()
    {
        await using MonitoringFixture f = await MonitoringFixture.CreateAsync();
        TenantId t = MonitoringFixture.Tenant;
        await f.Store.PutMonitorAsync(t, new MonitorConfig { Name = "m", Detectors = ["drift"] });
        await f.Store.PutRuleAsync(t, new AlertRule { Name = "r", Target = "drift", Threshold = 0.5 });
        AnnotationItem item = await f.Store.EnqueueAsync(t, MonitoringFixture.TraceId(1), "drift", "finding", "why");
        await f.Store.AddFeedbackAsync(t, new Feedback { TraceId = MonitoringFixture.TraceId(1), Thumbs = "down", Author = "k" });

        Assert.Empty(await f.Store.ListMonitorsAsync(s_other));
        Assert.Empty(await f.Store.ListRulesAsync(s_other));
        Assert.Empty(await f.Store.ListAnnotationsAsync(s_other, null, 10));
        Assert.Empty(await f.Store.ListFeedbackAsync(s_other, MonitoringFixture.TraceId(1)));
        Assert.Null(await f.Store.ClaimAsync(s_other, null, "x"));
        await Assert.ThrowsAsync<MyelinNotFoundException>(() => f.Store.ClaimAsync(s_other, item.Id, "x"));
        Assert.False(await f.Store.DeleteMonitorAsync(s_other, "m"));
        Assert.Equal([t], await f.Store.ListActiveTenantsAsync());
    }

    [Fact]
    public async Task A_transition_from_a_state_the_rule_has_left_is_refused()
    {
        await using MonitoringFixture f = await MonitoringFixture.CreateAsync();
        TenantId t = MonitoringFixture.Tenant;
        await f.Store.PutRuleAsync(t, new AlertRule { Name = "r", Target = "drift", Threshold = 0.5 });
        var alert = new AlertEvent(0, "r", AlertState.Firing, f.Time.GetUtcNow(), 3, 2, 0.66, 0.5);

        Assert.NotNull(await f.Store.TransitionAsync(t, AlertState.Ok, AlertState.Firing, alert));
        Assert.Null(await f.Store.TransitionAsync(t, AlertState.Ok, AlertState.Firing, alert));

        // Replacing the rule keeps its state.
        Assert.False(await f.Store.PutRuleAsync(t, new AlertRule { Name = "r", Target = "drift", Threshold = 0.4 }));
        AlertRuleStatus status = Assert.Single(await f.Store.ListRulesAsync(t));
        Assert.Equal((AlertState.Firing, 0.4), (status.State, status.Rule.Threshold));
        Assert.Single(await f.Store.ListEventsAsync(t, "r", 10));
    }

    [Theory]
    [InlineData("not-hex", null, null, null, "invalid_trace_id")]
    [InlineData(null, "sideways", null, null, "invalid_feedback")]
    [InlineData(null, null, 1.5, null, "invalid_feedback")]
    [InlineData(null, null, null, null, "invalid_feedback")]
    [InlineData(null, null, null, "drift", "invalid_feedback")]
    public void Malformed_feedback_is_rejected(string? traceId, string? thumbs, double? score, string? evaluator, string code)
    {
        var feedback = new Feedback { TraceId = traceId ?? MonitoringFixture.TraceId(1), Thumbs = thumbs, Score = score, Evaluator = evaluator };
        Assert.Equal(code, Assert.Throws<MyelinValidationException>(feedback.Validate).Code);
    }
}
