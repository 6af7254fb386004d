namespace Myelin.Evals.Traces;

/// <summary>One trace as listed: its extent, root, session, user, models, tokens, cost and error count.</summary>
/// <param name="TraceId">The trace id.</param>
/// <param name="StartTime">Earliest span start.</param>
/// <param name="EndTime">Latest span end.</param>
/// <param name="RootName">The root span's name (or the first span's while the root has not arrived).</param>
/// <param name="SpanCount">Spans stored.</param>
/// <param name="ErrorCount">Spans with error status.</param>
/// <param name="SessionId">Session (conversation) id, if any span named one.</param>
/// <param name="UserId">End user, if any span named one.</param>
/// <param name="Models">Models used, sorted.</param>
/// <param name="InputTokens">Sum of input tokens.</param>
/// <param name="OutputTokens">Sum of output tokens.</param>
/// <param name="CostUsd">Sum of costs in US dollars.</param>
/// <param name="ServiceName">The service that sent it, if known.</param>
public sealed record TraceSummary(
    string TraceId,
    DateTimeOffset StartTime,
    DateTimeOffset EndTime,
    string RootName,
    long SpanCount,
    long ErrorCount,
    string? SessionId,
    string? UserId,
    IReadOnlyList<string> Models,
    long InputTokens,
    long OutputTokens,
    double CostUsd,
    string? ServiceName)
{
    /// <summary>End minus start, in milliseconds.</summary>
    public double DurationMs => (EndTime - StartTime).TotalMilliseconds;
}
