namespace Myelin.Evals.Traces;

/// <summary>What the trace index takes from one stored span.</summary>
/// <param name="TraceId">The trace id.</param>
/// <param name="SpanId">The span id.</param>
/// <param name="IsRoot">True when the span has no parent.</param>
/// <param name="Name">The span name.</param>
/// <param name="StartTime">Start.</param>
/// <param name="EndTime">End.</param>
/// <param name="IsError">True when the span's status is error.</param>
/// <param name="SessionId">Conversation or session id, if any.</param>
/// <param name="UserId">End user, if any.</param>
/// <param name="Models">Request and response models named by the span.</param>
/// <param name="InputTokens">Input tokens used.</param>
/// <param name="OutputTokens">Output tokens used.</param>
/// <param name="CostUsd">Cost in US dollars.</param>
/// <param name="ServiceName">The resource's <c>service.name</c>, if any.</param>
public sealed record TraceIndexEntry(
    string TraceId,
    string SpanId,
    bool IsRoot,
    string Name,
    DateTimeOffset StartTime,
    DateTimeOffset EndTime,
    bool IsError,
    string? SessionId,
    string? UserId,
    IReadOnlyList<string> Models,
    long InputTokens,
    long OutputTokens,
    double CostUsd,
    string? ServiceName);
