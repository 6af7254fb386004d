using Myelin.Core;
using Myelin.Core.Log;

namespace Myelin.Evals.Detectors;

/// <summary>Online detection: runs detectors over a stored session and appends the flagged findings to the experience log.</summary>
public static class SessionDetection
{
    /// <summary>The most span records read for one session.</summary>
    public const int MaxSpans = 10_000;

    /// <summary>Reads the session's spans, runs every detector, stores flagged findings (idempotently) and returns all findings.</summary>
    public static async Task<IReadOnlyList<Finding>> RunAsync(
        IExperienceLog log,
        TenantId tenant,
        string sessionId,
        IReadOnlyList<IDetector> detectors,
        TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(detectors);
        IReadOnlyList<ExperienceRecord> spans = await LoadSpansAsync(log, tenant, sessionId, cancellationToken).ConfigureAwait(false);
        Conversation conversation = DetectionSources.FromSessionSpans(sessionId, spans);
        var findings = new List<Finding>();
        foreach (IDetector detector in detectors)
        {
            findings.AddRange(await detector.DetectAsync(conversation, cancellationToken: cancellationToken).ConfigureAwait(false));
        }

        await FindingRecords.AppendFlaggedAsync(log, tenant, findings, time, cancellationToken).ConfigureAwait(false);
        return findings;
    }

    /// <summary>Reads the span records of a session in log order, at most <see cref="MaxSpans"/>.</summary>
    public static async Task<IReadOnlyList<ExperienceRecord>> LoadSpansAsync(
        IExperienceLog log, TenantId tenant, string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        var spans = new List<ExperienceRecord>();
        long after = 0;
        while (spans.Count < MaxSpans)
        {
            IReadOnlyList<ExperienceRecord> page = await log.QueryAsync(
                tenant, new LogQuery { SessionId = sessionId, Kinds = [ExperienceKinds.Span], AfterOffset = after, Limit = 1000 }, cancellationToken)
                .ConfigureAwait(false);
            spans.AddRange(page);
            if (page.Count < 1000)
            {
                break;
            }

            after = page[^1].Offset;
        }

        return spans;
    }
}
