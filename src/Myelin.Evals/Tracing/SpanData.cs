namespace Myelin.Evals.Tracing;

/// <summary>A finished span in Myelin's stored form, whether recorded in-process or received over OTLP.</summary>
/// <param name="TraceId">32 lowercase hex characters.</param>
/// <param name="SpanId">16 lowercase hex characters.</param>
/// <param name="ParentSpanId">The parent's span id, or null for a root span.</param>
/// <param name="Name">The span name, e.g. <c>chat gpt-4o</c>.</param>
/// <param name="Kind">One of <c>internal</c>, <c>server</c>, <c>client</c>, <c>producer</c>, <c>consumer</c>.</param>
/// <param name="StartTime">When the span started.</param>
/// <param name="EndTime">When it ended.</param>
/// <param name="StatusCode"><c>unset</c>, <c>ok</c> or <c>error</c>.</param>
/// <param name="StatusMessage">The status description, if any.</param>
/// <param name="Attributes">Span attributes; values are string, bool, long, double or arrays of them.</param>
/// <param name="Events">Span events.</param>
/// <param name="Resource">Resource attributes (e.g. <c>service.name</c>).</param>
/// <param name="ScopeName">The instrumentation scope (ActivitySource or tracer) name.</param>
/// <param name="ScopeVersion">The instrumentation scope version.</param>
public sealed record SpanData(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Kind,
    DateTimeOffset StartTime,
    DateTimeOffset EndTime,
    string StatusCode,
    string? StatusMessage,
    IReadOnlyList<KeyValuePair<string, object?>> Attributes,
    IReadOnlyList<SpanEventData> Events,
    IReadOnlyList<KeyValuePair<string, object?>> Resource,
    string? ScopeName,
    string? ScopeVersion)
{
    /// <summary>The session: <c>gen_ai.conversation.id</c>, else <c>session.id</c>.</summary>
    public string? SessionId => FindString(GenAiAttributes.ConversationId) ?? FindString(GenAiAttributes.SessionId);

    /// <summary>The end user: <c>user.id</c>, else the deprecated <c>enduser.id</c>.</summary>
    public string? UserId => FindString(GenAiAttributes.UserId) ?? FindString("enduser.id");

    /// <summary>The value of the first attribute named <paramref name="name"/>, or null.</summary>
    public object? Find(string name)
    {
        foreach (KeyValuePair<string, object?> attribute in Attributes)
        {
            if (string.Equals(attribute.Key, name, StringComparison.Ordinal))
            {
                return attribute.Value;
            }
        }

        return null;
    }

    private string? FindString(string name) => Find(name) is string { Length: > 0 } value ? value : null;
}
