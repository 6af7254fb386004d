using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Evals.Traces;
using Myelin.Evals.Tracing;

namespace Myelin.Evals.Otlp;

/// <summary>Stores spans received over OTLP in a tenant's experience log, accepting the good ones and reporting the rest.</summary>
/// <remarks>
/// Thread-safe and stateless. Each span becomes the same <c>span</c> record <see cref="SpanRecorder"/> writes, plus an
/// <c>evaluation</c> record per <c>gen_ai.evaluation.result</c> event. Idempotency keys come from the trace and span ids, so an
/// exporter's retry stores nothing twice. The tenant comes from the caller's credential.
/// </remarks>
public static class OtlpTraceIngestor
{
    private const int MaxReasons = 5;
    private const int ChunkRecords = ExperienceRecordRules.MaxBatchSize / 2;

    /// <summary>Validates and appends <paramref name="spans"/>; invalid spans are counted and described, valid ones stored.</summary>
    public static Task<OtlpExportResult> IngestAsync(
        IExperienceLog log, TenantId tenant, IReadOnlyList<SpanData> spans, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        return IngestAsync(log, indexer: null, tenant, spans, cancellationToken);
    }

    /// <summary>
    /// Validates and appends <paramref name="spans"/> to the log <paramref name="indexer"/> reads, then indexes the stored
    /// spans from memory (<see cref="TraceIndexer.IndexAppendedAsync"/>), so the trace list needs no read-back of them.
    /// </summary>
    /// <remarks>
    /// The spans are durable once appended: if indexing fails or is cancelled after that, the exception propagates (a
    /// retry stores nothing twice) and the next catch-up indexes them from the log.
    /// </remarks>
    public static Task<OtlpExportResult> IngestAsync(
        TraceIndexer indexer, TenantId tenant, IReadOnlyList<SpanData> spans, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(indexer);
        return IngestAsync(indexer.Log, indexer, tenant, spans, cancellationToken);
    }

    private static async Task<OtlpExportResult> IngestAsync(
        IExperienceLog log, TraceIndexer? indexer, TenantId tenant, IReadOnlyList<SpanData> spans, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spans);
        var refused = new Refusals();
        int accepted = 0;
        var chunk = new Chunk();
        var records = new List<NewExperienceRecord>(1);
        using var json = new SpanJsonBuffer();
        foreach (SpanData span in spans)
        {
            if (Check(span) is { } problem)
            {
                refused.Add(problem);
                continue;
            }

            records.Clear();
            bool truncated = SpanRecords.AddRecords(span, json, records);
            if (chunk.Records.Count + records.Count > ChunkRecords)
            {
                accepted += await AppendAsync(log, indexer, tenant, chunk, refused, cancellationToken).ConfigureAwait(false);
                chunk = new Chunk();
            }

            // The span record comes first; its evaluation records are not indexed.
            chunk.Add(span.SpanId, records, indexer is null ? [] : [TraceIndexEntries.FromSpan(span, records[0], truncated)]);
        }

        if (chunk.Records.Count > 0)
        {
            accepted += await AppendAsync(log, indexer, tenant, chunk, refused, cancellationToken).ConfigureAwait(false);
        }

        string? message = refused.Count == 0 ? null
            : $"{refused.Count} span(s) rejected: {string.Join("; ", refused.Reasons)}{(refused.Count > refused.Reasons.Count ? "; ..." : "")}";
        return new OtlpExportResult(accepted, refused.Count, message);
    }

    /// <summary>Appends a chunk, then indexes it when there is an indexer; returns how many of its spans were stored.</summary>
    private static async Task<int> AppendAsync(
        IExperienceLog log, TraceIndexer? indexer, TenantId tenant, Chunk chunk, Refusals refused, CancellationToken cancellationToken)
    {
        IReadOnlyList<AppendResult> appended;
        try
        {
            appended = await log.AppendAsync(tenant, chunk.Records, cancellationToken).ConfigureAwait(false);
        }
        catch (MyelinValidationException)
        {
            // The log checks a batch whole before writing any of it, so the spans are not checked twice on the way in. When
            // it refuses the batch (rare: the JSON writer only writes valid JSON, so a payload too large or nested too deep),
            // each span's records are checked alone, the refused spans reported, and the rest appended. An error that is
            // not about the records (the tenant) comes back from the second append.
            chunk = chunk.WithoutRefused(refused);
            if (chunk.Records.Count == 0)
            {
                return 0;
            }

            appended = await log.AppendAsync(tenant, chunk.Records, cancellationToken).ConfigureAwait(false);
        }

        if (indexer is not null)
        {
            await indexer.IndexAppendedAsync(tenant, appended, chunk.Entries, cancellationToken).ConfigureAwait(false);
        }

        return chunk.SpanCount;
    }

    private static string? Check(SpanData span)
    {
        if (SpanRecords.Validate(span) is { } problem)
        {
            return problem;
        }

        return span.StartTime <= DateTimeOffset.UnixEpoch ? $"span {span.SpanId}: startTimeUnixNano is missing" : null;
    }

    /// <summary>The records of spans appended together, with where each span's records start and their index entries.</summary>
    private sealed class Chunk
    {
        private readonly List<(string SpanId, int Start, int Count)> _spans = [];

        public List<NewExperienceRecord> Records { get; } = [];

        /// <summary>One per record: the span record's index entry, null for evaluation records (all null without an indexer).</summary>
        public List<TraceIndexEntry?> Entries { get; } = [];

        public int SpanCount => _spans.Count;

        public void Add(string spanId, IReadOnlyList<NewExperienceRecord> records, IReadOnlyList<TraceIndexEntry?> entries)
        {
            _spans.Add((spanId, Records.Count, records.Count));
            Records.AddRange(records);
            for (int i = 0; i < records.Count; i++)
            {
                Entries.Add(i < entries.Count ? entries[i] : null);
            }
        }

        public Chunk WithoutRefused(Refusals refused)
        {
            var kept = new Chunk();
            foreach ((string spanId, int start, int count) in _spans)
            {
                List<NewExperienceRecord> records = Records.GetRange(start, count);
                try
                {
                    ExperienceRecordRules.Validate(records);
                }
                catch (MyelinValidationException ex)
                {
                    refused.Add($"span {spanId}: {ex.Message}");
                    continue;
                }

                kept.Add(spanId, records, Entries.GetRange(start, count));
            }

            return kept;
        }
    }

    /// <summary>How many spans were refused, and why (the first few reasons).</summary>
    private sealed class Refusals
    {
        private readonly List<string> _reasons = [];

        public long Count { get; private set; }

        public IReadOnlyList<string> Reasons => _reasons;

        public void Add(string reason)
        {
            Count++;
            if (_reasons.Count < MaxReasons)
            {
                _reasons.Add(reason);
            }
        }
    }
}
