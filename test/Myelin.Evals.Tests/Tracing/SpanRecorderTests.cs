using System.Diagnostics;
using System.Text.Json;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Storage.Sqlite;
using Myelin.TestUtilities;

namespace Myelin.Evals.Tracing;

public sealed class SpanRecorderTests
{
    [Fact]
    public async Task A_full_queue_drops_and_counts_instead_of_blocking()
    {
        var gate = new TaskCompletionSource();
        var log = new TestExperienceLog { AppendCallback = async (_, records, _) => { await gate.Task; return Results(records); } };
        await using var recorder = new SpanRecorder(log, new SpanRecorderOptions { Sources = ["none"], Capacity = 2, MaxBatchSize = 1 });

        var accepted = 0;
        for (int i = 0; i < 20; i++)
        {
            accepted += recorder.Enqueue(Span(i)) ? 1 : 0;
        }

        // The writer holds one span in its blocked append; the queue holds the capacity; the rest are dropped and counted.
        Assert.InRange(accepted, 2, 3);
        Assert.Equal(20 - accepted, recorder.Dropped);
        gate.SetResult();
        await recorder.FlushAsync();
        Assert.Equal(accepted, recorder.Recorded);
        Assert.Equal(0, recorder.Failed);
    }

    [Fact]
    public async Task Failing_appends_are_retried_then_counted_as_failed()
    {
        int calls = 0;
        var log = new TestExperienceLog
        {
            AppendCallback = (_, records, _) => ++calls < 3 ? throw new IOException("disk busy") : Task.FromResult(Results(records)),
        };
        await using (var recorder = new SpanRecorder(log, new SpanRecorderOptions { Sources = ["none"], RetryDelay = TimeSpan.FromMilliseconds(1) }))
        {
            recorder.Enqueue(Span(1));
            await recorder.FlushAsync();
            Assert.Equal(1, recorder.Recorded);
            Assert.Equal(3, calls);
        }

        var broken = new TestExperienceLog { AppendCallback = (_, _, _) => throw new IOException("gone") };
        await using var failing = new SpanRecorder(broken, new SpanRecorderOptions { Sources = ["none"], MaxAttempts = 2, RetryDelay = TimeSpan.Zero });
        failing.Enqueue(Span(2));
        failing.Enqueue(Span(3) with { SpanId = "0000000000000000" });
        await failing.FlushAsync();
        Assert.Equal(2, failing.Failed);
        Assert.Equal(0, failing.Recorded);
    }

    [Fact]
    public async Task Evaluation_events_become_evaluation_records_and_retries_are_stored_once()
    {
        using var dir = new TempDirectory("evals-rec");
        await using SqliteMyelinStorage storage = await SqliteMyelinStorage.OpenAsync(new SqliteStorageOptions { DataDirectory = dir.Path });
        await storage.MigrateAsync();
        var tenant = new TenantId("acme");
        using var collector = new ActivityCollector();
        await using (var recorder = new SpanRecorder(storage.Log, new SpanRecorderOptions { Tenant = tenant }))
        {
            using (Activity? tool = GenAiSpans.StartExecuteTool("search"))
            {
                GenAiSpans.AddEvaluationResult(tool!, "relevance", 0.8, "relevant", "on topic", "resp-9");
            }

            await recorder.FlushAsync();
            SpanData copy = ActivityCollectorSpans(collector);
            recorder.Enqueue(copy);
            await recorder.FlushAsync();
        }

        string traceId = collector.TraceId.ToHexString();
        IReadOnlyList<ExperienceRecord> records = await storage.Log.QueryAsync(tenant, new LogQuery { TraceId = traceId });
        Assert.Equal([ExperienceKinds.Span, ExperienceKinds.Evaluation], records.Select(r => r.Kind));
        using JsonDocument evaluation = JsonDocument.Parse(records[1].PayloadJson);
        Assert.Equal("relevance", evaluation.RootElement.GetProperty("name").GetString());
        Assert.Equal(0.8, evaluation.RootElement.GetProperty("scoreValue").GetDouble());
        Assert.Equal("relevant", evaluation.RootElement.GetProperty("scoreLabel").GetString());
        Assert.Equal("resp-9", evaluation.RootElement.GetProperty("responseId").GetString());
        Assert.Empty(await storage.Log.QueryAsync(TenantId.Default, new LogQuery { TraceId = traceId }));
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        var log = new TestExperienceLog();
        Assert.Throws<MyelinValidationException>(() => new SpanRecorder(log, new SpanRecorderOptions { Capacity = 0 }));
        Assert.Throws<MyelinValidationException>(() => new SpanRecorder(log, new SpanRecorderOptions { Sources = [] }));
        Assert.Throws<MyelinValidationException>(() => new SpanRecorder(log, new SpanRecorderOptions { MaxBatchSize = 6000 }));
    }

    private static SpanData ActivityCollectorSpans(ActivityCollector collector)
    {
        Activity a = collector.Single();
        return new SpanData(
            a.TraceId.ToHexString(), a.SpanId.ToHexString(), a.ParentSpanId.ToHexString(), a.DisplayName, "internal",
            a.StartTimeUtc, a.StartTimeUtc + a.Duration, "unset", null, [.. a.TagObjects],
            [.. a.Events.Select(e => new SpanEventData(e.Name, e.Timestamp, [.. e.Tags]))], [], a.Source.Name, null);
    }

    internal static SpanData Span(int i) => new(
        "0af7651916cd43dd8448eb211c80319c", (i + 1).ToString("x16"), null, "chat m", "client",
        DateTimeOffset.UnixEpoch.AddSeconds(i), DateTimeOffset.UnixEpoch.AddSeconds(i + 1), "ok", null,
        [new("gen_ai.operation.name", "chat")], [], [], "test", null);

    private static IReadOnlyList<AppendResult> Results(IReadOnlyList<NewExperienceRecord> records) =>
        [.. records.Select((_, i) => new AppendResult(i + 1, false))];
}
