using System.Diagnostics;
using Myelin.Evals.Tracing;

namespace Myelin.Evals.Internal;

/// <summary>Turns a stopped <see cref="Activity"/> into the stored span form.</summary>
internal static class ActivityConversion
{
    public static SpanData ToSpan(Activity activity, IReadOnlyList<KeyValuePair<string, object?>> resource)
    {
        var events = new List<SpanEventData>();
        foreach (ActivityEvent e in activity.Events)
        {
            events.Add(new SpanEventData(e.Name, e.Timestamp, [.. e.Tags]));
        }

        DateTimeOffset start = new(activity.StartTimeUtc, TimeSpan.Zero);
        return new SpanData(
            activity.TraceId.ToHexString(),
            activity.SpanId.ToHexString(),
            activity.ParentSpanId == default ? null : activity.ParentSpanId.ToHexString(),
            activity.DisplayName,
            activity.Kind.ToString().ToLowerInvariant(),
            start,
            start + activity.Duration,
            activity.Status switch
            {
                ActivityStatusCode.Ok => "ok",
                ActivityStatusCode.Error => "error",
                _ => "unset",
            },
            activity.StatusDescription,
            [.. activity.TagObjects],
            events,
            resource,
            activity.Source.Name,
            activity.Source.Version);
    }
}
