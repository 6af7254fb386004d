using Myelin.Core;
using Myelin.Core.Log;
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
    public static async Task<OtlpExportResult> IngestAsync(
        IExperienceLog log, TenantId tenant, IReadOnlyList<SpanData> spans, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(spans);
        var reasons = new List<string>();
        long rejected = 0;
        int accepted = 0;
        var chunk = new List<NewExperienceRecord>();
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

            List<NewExperienceRecord> records = [.. SpanRecords.ToRecords(span)];
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
                await log.AppendAsync(tenant, chunk, cancellationToken).ConfigureAwait(false);
                chunk = [];
            }

            chunk.AddRange(records);
            accepted++;
        }

        if (chunk.Count > 0)
        {
            await log.AppendAsync(tenant, chunk, cancellationToken).ConfigureAwait(false);
        }

        string? message = rejected == 0 ? null
            : $"{rejected} span(s) rejected: {string.Join("; ", reasons)}{(rejected > reasons.Count ? "; ..." : "")}";
        return new OtlpExportResult(accepted, rejected, message);
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
