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
        var reasons = new List<string>();
        long rejected = 0;
        int accepted = 0;
        var chunk = new List<NewExperienceRecord>();
        var entries = new List<TraceIndexEntry?>();
        var records = new List<NewExperienceRecord>(1);
        using var json = new SpanJsonBuffer();
        foreach (SpanData span in spans)
        {
            if (Check(span) is { } problem)
            {
                rejected++;
                if (reasons.Count < MaxReasons)
                {
                    reasons.Add(problem);
                }

                continue;
            }

            records.Clear();
            bool truncated = SpanRecords.AddRecords(span, json, records);
            try
            {
                ExperienceRecordRules.Validate(records);
            }
            catch (MyelinValidationException ex)
            {
                rejected++;
                if (reasons.Count < MaxReasons)
                {
                    reasons.Add($"span {span.SpanId}: {ex.Message}");
                }

                continue;
            }

            if (chunk.Count + records.Count > ChunkRecords)
            {
                await AppendAsync(log, indexer, tenant, chunk, entries, cancellationToken).ConfigureAwait(false);
                chunk = [];
                entries = [];
            }

            chunk.AddRange(records);
            if (indexer is not null)
            {
                // The span record comes first; its evaluation records are not indexed.
                entries.Add(TraceIndexEntries.FromSpan(span, records[0], truncated));
                for (int i = 1; i < records.Count; i++)
                {
                    entries.Add(null);
                }
            }

            accepted++;
        }

        if (chunk.Count > 0)
        {
            await AppendAsync(log, indexer, tenant, chunk, entries, cancellationToken).ConfigureAwait(false);
        }

        string? message = rejected == 0 ? null
            : $"{rejected} span(s) rejected: {string.Join("; ", reasons)}{(rejected > reasons.Count ? "; ..." : "")}";
        return new OtlpExportResult(accepted, rejected, message);
    }

    private static async Task AppendAsync(
        IExperienceLog log, TraceIndexer? indexer, TenantId tenant, List<NewExperienceRecord> chunk, List<TraceIndexEntry?> entries,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<AppendResult> appended = await log.AppendAsync(tenant, chunk, cancellationToken).ConfigureAwait(false);
        if (indexer is not null)
        {
            await indexer.IndexAppendedAsync(tenant, appended, entries, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string? Check(SpanData span)
    {
        if (SpanRecords.Validate(span) is { } problem)
        {
            return problem;
        }

        return span.StartTime <= DateTimeOffset.UnixEpoch ? $"span {span.SpanId}: startTimeUnixNano is missing" : null;
    }
}
