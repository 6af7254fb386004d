using System.Globalization;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Evals.Otlp;
using Myelin.Evals.Tracing;
using static Myelin.Evals.Traces.TraceIndexerHarness;

namespace Myelin.Evals.Traces;

/// <summary>Spans indexed from memory as the OTLP ingest appends them, against catch-up from the log (the source of truth).</summary>
public sealed class TraceIndexerTests
{
    [Fact]
    public void A_span_gives_the_same_entry_in_memory_as_read_back_from_its_payload()
    {
        using var json = new SpanJsonBuffer();
        var records = new List<NewExperienceRecord>();
        int truncated = 0;
        foreach (SpanData span in Varied().Where(s => SpanRecords.Validate(s) is null))
        {
            records.Clear();
            bool shortened = SpanRecords.AddRecords(span, json, records);
            truncated += shortened ? 1 : 0;
            if (!shortened)
            {
                TraceIndexEntry fromPayload = TraceIndexEntries.FromPayload(records[0].PayloadJson, records[0].SessionId)!;
                Assert.Equal(Describe(fromPayload), Describe(TraceIndexEntries.FromSpan(span, records[0], payloadTruncated: false)!));
            }
        }

        Assert.Equal(1, truncated);
    }

    [Fact]
    public async Task Indexing_from_memory_gives_the_index_catch_up_from_the_log_gives()
    {
        await using TraceIndexerHarness memory = await CreateAsync();
        await using TraceIndexerHarness log = await CreateAsync();
        SpanData[] spans = Varied();

        OtlpExportResult indexed = await OtlpTraceIngestor.IngestAsync(memory.Indexer, Tenant, spans);
        OtlpExportResult logged = await OtlpTraceIngestor.IngestAsync(log.Storage.Log, Tenant, spans);
        Assert.Equal(logged, indexed);
        Assert.Equal((spans.Length - 1, 1L), (indexed.AcceptedSpans, indexed.RejectedSpans));

        // Nothing was left for catch-up to read back, and the checkpoint covers the whole log, evaluation records included.
        Assert.Equal(0, await memory.Indexer.CatchUpAsync(Tenant));
        Assert.Equal(0, await memory.LagAsync());
        Assert.Equal(spans.Length - 2, await log.Indexer.CatchUpAsync(Tenant));
        List<string> expected = await log.SummariesAsync();
        Assert.Equal(13, expected.Count);
        Assert.Equal(expected, await memory.SummariesAsync());
    }

    [Fact]
    public async Task Spans_appended_but_never_indexed_are_read_back_before_the_next_batch_and_count_once()
    {
        await using TraceIndexerHarness h = await CreateAsync();
        await OtlpTraceIngestor.IngestAsync(h.Indexer, Tenant, Batch(1));

        // A crash between the log append and the index apply leaves spans in the log only; another writer appends too.
        await OtlpTraceIngestor.IngestAsync(h.Storage.Log, Tenant, Batch(2));
        await h.Storage.Log.AppendAsync(Tenant, [new NewExperienceRecord(ExperienceKinds.Feedback, """{"score":1}""")]);
        Assert.Equal(21, await h.LagAsync());
        await OtlpTraceIngestor.IngestAsync(h.Indexer, Tenant, Batch(3));

        Assert.Equal(0, await h.LagAsync());
        Assert.Equal(0, await h.Indexer.CatchUpAsync(Tenant));
        List<string> summaries = await h.SummariesAsync();
        Assert.Equal(12, summaries.Count);
        Assert.All(summaries, s => Assert.Contains(" n=5 ", s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Catch_up_indexes_spans_the_ingest_did_not_and_a_later_replay_adds_nothing()
    {
        await using TraceIndexerHarness h = await CreateAsync();
        await using TraceIndexerHarness reference = await CreateAsync();
        await OtlpTraceIngestor.IngestAsync(reference.Indexer, Tenant, Batch(1));

        await OtlpTraceIngestor.IngestAsync(h.Storage.Log, Tenant, Batch(1));
        Assert.Empty(await h.SummariesAsync());
        Assert.Equal(20, await h.Indexer.CatchUpAsync(Tenant));
        Assert.Equal(await reference.SummariesAsync(), await h.SummariesAsync());

        // The same spans again, now through the indexer: the log reports them as duplicates and the index is unchanged.
        OtlpExportResult again = await OtlpTraceIngestor.IngestAsync(h.Indexer, Tenant, Batch(1));
        Assert.Equal(20, again.AcceptedSpans);
        Assert.Equal(await reference.SummariesAsync(), await h.SummariesAsync());
        Assert.Equal(0, await h.LagAsync());
    }

    [Fact]
    public async Task Reingesting_the_same_spans_indexes_nothing_twice()
    {
        await using TraceIndexerHarness h = await CreateAsync();
        await OtlpTraceIngestor.IngestAsync(h.Indexer, Tenant, Batch(1));
        List<string> once = await h.SummariesAsync();

        await OtlpTraceIngestor.IngestAsync(h.Indexer, Tenant, Batch(1));
        Assert.Equal(once, await h.SummariesAsync());

        // Half old, half new: only the new traces appear, each once.
        await OtlpTraceIngestor.IngestAsync(h.Indexer, Tenant, [.. Batch(1).Take(10), .. Batch(2).Take(10)]);
        List<string> mixed = await h.SummariesAsync();
        Assert.Equal(6, mixed.Count);
        Assert.Equal(once, mixed.Where(s => once.Contains(s)));
        Assert.Equal(0, await h.LagAsync());

        // Handing over spans a catch-up has already indexed is a no-op.
        var records = Batch(3).SelectMany(SpanRecords.ToRecords).ToList();
        IReadOnlyList<AppendResult> appended = await h.Storage.Log.AppendAsync(Tenant, records);
        Assert.Equal(20, await h.Indexer.CatchUpAsync(Tenant));
        List<string> caughtUp = await h.SummariesAsync();
        TraceIndexEntry?[] entries = [.. records.Select(r => TraceIndexer.ToEntry(ToStored(r)))];
        Assert.Equal(0, await h.Indexer.IndexAppendedAsync(Tenant, appended, entries));
        Assert.Equal(caughtUp, await h.SummariesAsync());
    }

    [Fact]
    public async Task Concurrent_ingests_index_every_span_once()
    {
        await using TraceIndexerHarness h = await CreateAsync();
        await Task.WhenAll(Enumerable.Range(1, 8).Select(b => Task.Run(() => OtlpTraceIngestor.IngestAsync(h.Indexer, Tenant, Batch(b)))));

        Assert.Equal(0, await h.LagAsync());
        List<string> summaries = await h.SummariesAsync();
        Assert.Equal(32, summaries.Count);
        Assert.All(summaries, s => Assert.Contains(" n=5 ", s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_checkpoint_another_server_moved_further_is_left_there()
    {
        await using TraceIndexerHarness h = await CreateAsync();

        // Server A appends a batch and reads the checkpoint; server B (same database) then ingests the next batch, reading
        // A's back from the log, and moves the checkpoint past both before A writes its own.
        List<NewExperienceRecord> records = [.. Batch(1).SelectMany(SpanRecords.ToRecords)];
        IReadOnlyList<AppendResult> appended = await h.Storage.Log.AppendAsync(Tenant, records);
        await OtlpTraceIngestor.IngestAsync(h.Indexer, Tenant, Batch(2));
        var serverA = new TraceIndexer(h.Storage.Log, new StaleOnceCheckpoints(h.Storage.Checkpoints), h.Index);
        TraceIndexEntry?[] entries = [.. records.Select(r => TraceIndexer.ToEntry(ToStored(r)))];

        Assert.Equal(20, await serverA.IndexAppendedAsync(Tenant, appended, entries));
        Assert.Equal(0, await h.LagAsync());
        List<string> summaries = await h.SummariesAsync();
        Assert.Equal(8, summaries.Count);
        Assert.All(summaries, s => Assert.Contains(" n=5 ", s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Entries_must_pair_with_the_appended_records()
    {
        await using TraceIndexerHarness h = await CreateAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => h.Indexer.IndexAppendedAsync(Tenant, [new AppendResult(1, false)], []));
    }

    /// <summary>Answers the first read with 0, as a read taken before another server wrote its checkpoint would.</summary>
    private sealed class StaleOnceCheckpoints(ICheckpointStore inner) : ICheckpointStore
    {
        private bool _answered;

        public Task<long> GetAsync(TenantId tenant, string consumer, CancellationToken cancellationToken = default)
        {
            if (!_answered)
            {
                _answered = true;
                return Task.FromResult(0L);
            }

            return inner.GetAsync(tenant, consumer, cancellationToken);
        }

        public Task SetAsync(TenantId tenant, string consumer, long offset, bool force = false, CancellationToken cancellationToken = default) =>
            inner.SetAsync(tenant, consumer, offset, force, cancellationToken);
    }

    private static ExperienceRecord ToStored(NewExperienceRecord r) =>
        new(Tenant, 1, r.Kind, r.Timestamp!.Value, r.Timestamp.Value, r.TraceId, r.SessionId, r.EpisodeId, r.IdempotencyKey, r.PayloadJson);

    private static string Describe(TraceIndexEntry e) => string.Create(
        CultureInfo.InvariantCulture,
        $"{e.TraceId} {e.SpanId} root={e.IsRoot} '{e.Name}' {e.StartTime.UtcTicks}-{e.EndTime.UtcTicks} err={e.IsError} "
        + $"{e.SessionId}/{e.UserId}/{e.ServiceName} [{string.Join(',', e.Models)}] {e.InputTokens}/{e.OutputTokens} ${e.CostUsd:R}");
}
