using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Myelin.Core;
using Myelin.Core.Log;

namespace Myelin.Evals.Detectors;

/// <summary>
/// Stores findings in the experience log as <c>finding</c> records: payload <c>{kind, score, evidence, sessionId,
/// turnIndex, traceId}</c>, linked to the trace and session, with the idempotency key
/// <c>finding:{kind}:{sessionId}:{turnIndex}</c> so re-running a detector stores a finding once.
/// </summary>
public static class FindingRecords
{
    /// <summary>The record of one finding.</summary>
    public static NewExperienceRecord ToRecord(Finding finding, DateTimeOffset? timestamp = null)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", finding.Kind);
            writer.WriteNumber("score", Math.Round(finding.Score, 6));
            writer.WriteStartArray("evidence");
            foreach (string line in finding.Evidence)
            {
                writer.WriteStringValue(line);
            }

            writer.WriteEndArray();
            writer.WriteString("sessionId", finding.SessionId);
            writer.WriteNumber("turnIndex", finding.TurnIndex);
            writer.WriteString("traceId", finding.TraceId);
            writer.WriteEndObject();
        }

        return new NewExperienceRecord(
            ExperienceKinds.Finding,
            Encoding.UTF8.GetString(buffer.WrittenSpan),
            timestamp,
            finding.TraceId,
            finding.SessionId,
            IdempotencyKey: string.Create(CultureInfo.InvariantCulture, $"finding:{finding.Kind}:{finding.SessionId}:{finding.TurnIndex}"));
    }

    /// <summary>Appends the flagged findings to the log; returns how many were flagged.</summary>
    public static async Task<int> AppendFlaggedAsync(
        IExperienceLog log, TenantId tenant, IEnumerable<Finding> findings, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(findings);
        DateTimeOffset now = (time ?? TimeProvider.System).GetUtcNow();
        List<NewExperienceRecord> records = [.. findings.Where(f => f.Flagged).Select(f => ToRecord(f, now))];
        if (records.Count > 0)
        {
            await log.AppendAsync(tenant, records, cancellationToken).ConfigureAwait(false);
        }

        return records.Count;
    }
}
