using System.Globalization;
using Myelin.Core;

namespace Myelin.Evals.Traces;

/// <summary>The trace index contract, run against every backend (<see cref="SqliteTraceIndexStoreTests"/>, <see cref="PostgresTraceIndexStoreTests"/>).</summary>
public abstract class TraceIndexStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_t0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TenantId s_tenant = new("idx-main");
    private static readonly TenantId s_other = new("idx-other");
    private static readonly TenantId s_oneByOne = new("idx-one-by-one");

    private ITraceIndexStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await _store.MigrateAsync();
    }

    public virtual async Task DisposeAsync() => await _store.DisposeAsync();

    /// <summary>A fresh, empty store of the backend under test.</summary>
    protected abstract Task<ITraceIndexStore> CreateStoreAsync();

    [Fact]
    public async Task Spans_aggregate_into_trace_summaries_and_replays_count_once()
    {
        TraceIndexEntry[] spans =
        [
            Span("t1", "s2", root: false, "chat gpt-4o", 1, 3, models: ["gpt-4o", "gpt-4o-mini"], input: 10, output: 5, cost: 0.5),
            Span("t1", "s1", root: true, "invoke_agent planner", 0, 4, session: "sess-1", user: "ann", service: "svc"),
            Span("t1", "s3", root: false, "execute_tool search", 2, 3, error: true, models: ["gpt-4o"], input: 1, output: 2, cost: 0.25),
        ];
        await _store.ApplyAsync(s_tenant, spans[..1]);
        TraceSummary early = Assert.Single((await _store.ListAsync(s_tenant, new TraceQuery())).Traces);
        Assert.Equal("chat gpt-4o", early.RootName);

        await _store.ApplyAsync(s_tenant, spans);
        await _store.ApplyAsync(s_tenant, spans);
        TraceSummary trace = Assert.Single((await _store.ListAsync(s_tenant, new TraceQuery())).Traces);
        Assert.Equal("t1", trace.TraceId);
        Assert.Equal("invoke_agent planner", trace.RootName);
        Assert.Equal(3, trace.SpanCount);
        Assert.Equal(1, trace.ErrorCount);
        Assert.Equal(s_t0, trace.StartTime);
        Assert.Equal(s_t0.AddSeconds(4), trace.EndTime);
        Assert.Equal(["gpt-4o", "gpt-4o-mini"], trace.Models);
        Assert.Equal((11, 7), (trace.InputTokens, trace.OutputTokens));
        Assert.Equal(0.75, trace.CostUsd, 12);
        Assert.Equal(("sess-1", "ann", "svc"), (trace.SessionId, trace.UserId, trace.ServiceName));
        Assert.Empty((await _store.ListAsync(s_other, new TraceQuery())).Traces);
    }

    [Fact]
    public async Task A_batch_gives_the_summaries_its_spans_give_one_at_a_time()
    {
        // The store sums a batch per trace before writing; these cases are where that could drift from span-by-span:
        // a root after its children, two roots, a tie on the earliest start, a key repeated in the batch, nulls then values.
        TraceIndexEntry[] spans =
        [
            Span("b1", "c1", root: false, "child late", 5, 6, models: ["m2"], input: 1, cost: 0.25),
            Span("b1", "c0", root: false, "child tie first", 2, 9, user: "u1"),
            Span("b1", "c2", root: false, "child tie second", 2, 3, session: "s1", models: ["m1", "m2"]),
            Span("b1", "c1", root: false, "repeated key", 0, 1, input: 100),
            Span("b2", "r1", root: true, "first root", 10, 11, error: true),
            Span("b2", "c3", root: false, "early child", 1, 2, error: true, output: 4, service: "svc"),
            Span("b2", "r2", root: true, "second root", 12, 13, service: "other"),
            Span("b3", "c4", root: false, "only child", 3, 4, cost: 0.5),
        ];
        await _store.ApplyAsync(s_tenant, spans[..2]);
        await _store.ApplyAsync(s_tenant, spans);
        foreach (TraceIndexEntry span in spans)
        {
            await _store.ApplyAsync(s_oneByOne, [span]);
        }

        List<string> batched = await SummariesAsync(s_tenant);
        Assert.Equal(await SummariesAsync(s_oneByOne), batched);
        Assert.Equal(
            [
                "b3 'only child' n=1 err=0 [] 0/0 $0.5 //",
                "b1 'child tie first' n=3 err=0 [m1,m2] 1/0 $0.25 s1/u1/",
                "b2 'second root' n=3 err=2 [] 0/4 $0 //svc",
            ],
            batched.Select(s => s[(s.IndexOf('|', StringComparison.Ordinal) + 1)..]));
    }

    [Fact]
    public async Task Listing_filters_and_pages_newest_first()
    {
        var spans = new List<TraceIndexEntry>();
        for (int i = 0; i < 7; i++)
        {
            spans.Add(Span($"trace-{i}", "s", root: true, $"root {i}", i * 60, (i * 60) + 1, session: i % 2 == 0 ? "even" : "odd",
                user: i < 3 ? "early" : "late", models: [i % 3 == 0 ? "llama" : "qwen"]));
        }

        // Two traces starting at the same instant order by id, and the cursor must not skip or repeat either.
        spans.Add(Span("trace-6b", "s", root: true, "tie", 6 * 60, (6 * 60) + 1));
        await _store.ApplyAsync(s_tenant, spans);
        await _store.ApplyAsync(s_other, [Span("foreign", "s", root: true, "other tenant", 0, 1, session: "even")]);

        Assert.Equal(["trace-6b", "trace-6", "trace-5", "trace-4", "trace-3", "trace-2", "trace-1", "trace-0"], await IdsAsync(new TraceQuery()));
        Assert.Equal(["trace-6", "trace-4", "trace-2", "trace-0"], await IdsAsync(new TraceQuery { SessionId = "even" }));
        Assert.Equal(["trace-2", "trace-1", "trace-0"], await IdsAsync(new TraceQuery { UserId = "early" }));
        Assert.Equal(["trace-6", "trace-3", "trace-0"], await IdsAsync(new TraceQuery { Model = "llama" }));
        Assert.Equal(["trace-4", "trace-3", "trace-2"], await IdsAsync(new TraceQuery { From = s_t0.AddMinutes(2), To = s_t0.AddMinutes(5) }));
        Assert.Empty(await IdsAsync(new TraceQuery { Model = "missing" }));

        var paged = new List<string>();
        string? cursor = null;
        do
        {
            TracePage page = await _store.ListAsync(s_tenant, new TraceQuery { Limit = 3, Cursor = cursor });
            paged.AddRange(page.Traces.Select(t => t.TraceId));
            cursor = page.Next;
        }
        while (cursor is not null);
        Assert.Equal(await IdsAsync(new TraceQuery()), paged);
    }

    [Fact]
    public async Task Results_are_replaced_per_turn_filter_the_list_and_give_rates_and_labels()
    {
        await _store.ApplyAsync(s_tenant, [Span("r1", "s", root: true, "a", 0, 1), Span("r2", "s", root: true, "b", 60, 61), Span("r3", "s", root: true, "c", 120, 121)]);
        DateTimeOffset at = s_t0.AddHours(1);
        await _store.ApplyResultsAsync(s_tenant,
        [
            Result("r1", "drift", TraceResultSource.Detector, 0, 0.9, TraceResult.FlaggedLabel, flagged: true, at),
            Result("r1", "drift", TraceResultSource.Detector, 1, 0.1, TraceResult.Ok, flagged: false, at),
            Result("r2", "drift", TraceResultSource.Detector, 0, 0.2, TraceResult.Ok, flagged: false, at),
            Result("r2", "token_f1", TraceResultSource.Evaluator, 0, 0.3, TraceResult.Fail, flagged: true, at),
            Result("r3", "token_f1", TraceResultSource.Evaluator, 0, null, TraceResult.Pass, flagged: false, at.AddDays(2)),
        ]);

        // A result for the same trace, name and turn replaces the earlier one.
        await _store.ApplyResultsAsync(s_tenant, [Result("r2", "drift", TraceResultSource.Detector, 0, 0.7, TraceResult.FlaggedLabel, flagged: true, at)]);
        IReadOnlyList<TraceResult> r2 = await _store.GetResultsAsync(s_tenant, "r2");
        Assert.Equal([("drift", 0.7, true), ("token_f1", 0.3, true)], r2.Select(r => (r.Name, r.Score!.Value, r.Flagged)));
        Assert.Equal(TraceResultSource.Detector, r2[0].Source);
        Assert.Equal(at, r2[0].EvaluatedAt);
        Assert.Null((await _store.GetResultsAsync(s_tenant, "r3"))[0].Score);
        Assert.Empty(await _store.GetResultsAsync(s_other, "r2"));

        Assert.Equal(["r2", "r1"], await IdsAsync(new TraceQuery { Finding = "drift" }));
        Assert.Equal(["r2"], await IdsAsync(new TraceQuery { Scores = [new ScoreFilter("token_f1", "<", 0.5)] }));
        Assert.Equal(["r2", "r1"], await IdsAsync(new TraceQuery { Scores = [new ScoreFilter("drift", ">=", 0.7)] }));

        WindowedRate rate = await _store.GetRateAsync(s_tenant, "drift", at.AddMinutes(-1), at.AddMinutes(1));
        Assert.Equal((2L, 2L), (rate.Traces, rate.Flagged));
        Assert.Equal((((0.9 + 0.1) / 2) + 0.7) / 2, rate.MeanScore!.Value, 9);
        Assert.Equal(0, (await _store.GetRateAsync(s_other, "drift", at.AddMinutes(-1), at.AddMinutes(1))).Traces);

        IReadOnlyDictionary<string, string> labels = await _store.GetTraceLabelsAsync(s_tenant, "drift", ["r1", "r2", "r3", "missing"]);
        Assert.Equal(new Dictionary<string, string> { ["r1"] = TraceResult.FlaggedLabel, ["r2"] = TraceResult.FlaggedLabel }, labels);
    }

    [Fact]
    public async Task Bad_queries_are_refused()
    {
        await Assert.ThrowsAsync<MyelinValidationException>(() => _store.ListAsync(s_tenant, new TraceQuery { Limit = 0 }));
        await Assert.ThrowsAsync<MyelinValidationException>(() => _store.ListAsync(s_tenant, new TraceQuery { Cursor = "nope" }));
        await Assert.ThrowsAsync<MyelinValidationException>(() => _store.ListAsync(s_tenant, new TraceQuery { From = s_t0, To = s_t0.AddSeconds(-1) }));
    }

    private static TraceResult Result(
        string trace, string name, TraceResultSource source, int turn, double? score, string label, bool flagged, DateTimeOffset at) =>
        new(trace, name, source, turn, score, label, flagged, at, "monitor-1");

    /// <summary>Every field of the tenant's summaries, newest first: times, then a bar, then the rest.</summary>
    private async Task<List<string>> SummariesAsync(TenantId tenant) =>
        [.. (await _store.ListAsync(tenant, new TraceQuery())).Traces.Select(t => string.Create(
            CultureInfo.InvariantCulture,
            $"{t.StartTime:O} {t.EndTime:O}|{t.TraceId} '{t.RootName}' n={t.SpanCount} err={t.ErrorCount} [{string.Join(',', t.Models)}] "
            + $"{t.InputTokens}/{t.OutputTokens} ${t.CostUsd} {t.SessionId}/{t.UserId}/{t.ServiceName}"))];

    private async Task<List<string>> IdsAsync(TraceQuery query) =>
        [.. (await _store.ListAsync(s_tenant, query)).Traces.Select(t => t.TraceId)];

    private static TraceIndexEntry Span(
        string trace, string span, bool root, string name, int startSeconds, int endSeconds, bool error = false, string? session = null,
        string? user = null, string? service = null, string[]? models = null, long input = 0, long output = 0, double cost = 0) =>
        new(trace, span, root, name, s_t0.AddSeconds(startSeconds), s_t0.AddSeconds(endSeconds), error, session, user, models ?? [], input, output, cost, service);
}
