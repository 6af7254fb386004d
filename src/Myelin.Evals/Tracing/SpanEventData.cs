namespace Myelin.Evals.Tracing;

/// <summary>An event recorded on a span.</summary>
/// <param name="Name">The event name, e.g. <c>gen_ai.evaluation.result</c> or <c>exception</c>.</param>
/// <param name="Time">When it happened.</param>
/// <param name="Attributes">Its attributes; values are string, bool, long, double or arrays of them.</param>
public sealed record SpanEventData(string Name, DateTimeOffset Time, IReadOnlyList<KeyValuePair<string, object?>> Attributes)
{
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
}
