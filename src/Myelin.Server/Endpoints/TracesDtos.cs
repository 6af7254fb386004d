using System.Text.Json;

namespace Myelin.Server.Endpoints;

/// <summary>One trace in <c>GET /api/traces</c>.</summary>
/// <param name="TraceId">Trace id.</param>
/// <param name="StartTime">Earliest span start.</param>
/// <param name="EndTime">Latest span end.</param>
/// <param name="DurationMs">End minus start in milliseconds.</param>
/// <param name="RootName">Root span name.</param>
/// <param name="SpanCount">Spans.</param>
/// <param name="ErrorCount">Spans with error status.</param>
/// <param name="SessionId">Session id.</param>
/// <param name="UserId">End user.</param>
/// <param name="Models">Models used.</param>
/// <param name="InputTokens">Input tokens.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="CostUsd">Cost in US dollars.</param>
/// <param name="ServiceName">Sending service.</param>
public sealed record TraceSummaryOutput(
    string TraceId,
    DateTimeOffset StartTime,
    DateTimeOffset EndTime,
    double DurationMs,
    string RootName,
    long SpanCount,
    long ErrorCount,
    string? SessionId,
    string? UserId,
    IReadOnlyList<string> Models,
    long InputTokens,
    long OutputTokens,
    double CostUsd,
    string? ServiceName);

/// <summary>A page of <c>GET /api/traces</c>.</summary>
/// <param name="Traces">Newest first.</param>
/// <param name="Next">Pass as <c>cursor</c> for the next page; null at the end.</param>
public sealed record TraceListOutput(IReadOnlyList<TraceSummaryOutput> Traces, string? Next);

/// <summary>One span of a trace, in tree order.</summary>
/// <param name="SpanId">Span id.</param>
/// <param name="ParentSpanId">Parent span id; null for roots (and for spans whose parent was never received).</param>
/// <param name="Depth">0 for roots, parent's depth + 1 otherwise.</param>
/// <param name="Children">Span ids of the direct children, by start time.</param>
/// <param name="Span">The stored span: name, kind, times, status, attributes, events, resource.</param>
public sealed record TraceSpanOutput(string SpanId, string? ParentSpanId, int Depth, IReadOnlyList<string> Children, JsonElement Span);

/// <summary>The answer of <c>GET /api/traces/{traceId}</c>: every span, depth-first from the roots, children by start time.</summary>
/// <param name="TraceId">Trace id.</param>
/// <param name="Spans">The spans in tree order.</param>
/// <param name="Truncated">True when the trace had more spans than one answer carries.</param>
public sealed record TraceDetailOutput(string TraceId, IReadOnlyList<TraceSpanOutput> Spans, bool Truncated);
