using System.Collections.Concurrent;
using System.Diagnostics;

namespace Myelin.Evals.Tracing;

/// <summary>Collects stopped Myelin.Evals activities that belong to this collector's own trace (tests run in parallel).</summary>
public sealed class ActivityCollector : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly Activity _root;

    public ActivityCollector()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == EvalsAssembly.TelemetryName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _stopped.Enqueue(a),
        };
        ActivitySource.AddActivityListener(_listener);
        _root = new Activity("test-root").SetIdFormat(ActivityIdFormat.W3C).Start();
    }

    public ActivityTraceId TraceId => _root.TraceId;

    public IReadOnlyList<Activity> Spans => [.. _stopped.Where(a => a.TraceId == _root.TraceId)];

    public Activity Single() => Assert.Single(Spans);

    public void Dispose()
    {
        _root.Stop();
        _listener.Dispose();
    }
}
