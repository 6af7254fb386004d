using Myelin.Evals.Internal;

namespace Myelin.Evals.Traces;

/// <summary>
/// The newly indexed spans of one trace within one apply, summed so the store writes the trace's summary row once
/// (one upsert per trace, one insert per distinct model) instead of once per span.
/// </summary>
/// <remarks>
/// Merging a rollup into a stored row must give what applying its spans one by one would have, so <see cref="Add"/>
/// follows the upsert's rules span by span: a root span names the trace (the last root wins); until a root is known
/// the earliest-starting span names it (ties keep the earlier name); the first non-null session, user and service win.
/// Both stores merge with <c>root_name = excluded.root_name</c> when the rollup saw a root, or when none is known and
/// the rollup starts strictly earlier, which is the same rule applied to the rollup as one span.
/// </remarks>
internal sealed class TraceRollup
{
    private readonly List<string> _models = [];

    private TraceRollup(TraceIndexEntry first)
    {
        TraceId = first.TraceId;
        StartMicros = EvalsDatabase.Micros(first.StartTime);
        EndMicros = EvalsDatabase.Micros(first.EndTime);
        RootName = first.Name;
        RootKnown = first.IsRoot;
        SessionId = first.SessionId;
        UserId = first.UserId;
        ServiceName = first.ServiceName;
        Count(first);
    }

    public string TraceId { get; }

    public long StartMicros { get; private set; }

    public long EndMicros { get; private set; }

    public string RootName { get; private set; }

    public bool RootKnown { get; private set; }

    public long SpanCount { get; private set; }

    public long ErrorCount { get; private set; }

    public string? SessionId { get; private set; }

    public string? UserId { get; private set; }

    public string? ServiceName { get; private set; }

    public long InputTokens { get; private set; }

    public long OutputTokens { get; private set; }

    public double CostUsd { get; private set; }

    /// <summary>The distinct models the spans named, in first-seen order.</summary>
    public IReadOnlyList<string> Models => _models;

    /// <summary>Groups spans by trace, in the order each trace first appears; every span passed in counts.</summary>
    public static List<TraceRollup> Group(IEnumerable<TraceIndexEntry> newSpans)
    {
        var byTrace = new Dictionary<string, TraceRollup>(StringComparer.Ordinal);
        var rollups = new List<TraceRollup>();
        foreach (TraceIndexEntry span in newSpans)
        {
            if (byTrace.TryGetValue(span.TraceId, out TraceRollup? rollup))
            {
                rollup.Add(span);
            }
            else
            {
                rollup = new TraceRollup(span);
                byTrace.Add(span.TraceId, rollup);
                rollups.Add(rollup);
            }
        }

        return rollups;
    }

    private void Add(TraceIndexEntry span)
    {
        long start = EvalsDatabase.Micros(span.StartTime);
        if (span.IsRoot)
        {
            RootName = span.Name;
            RootKnown = true;
        }
        else if (!RootKnown && start < StartMicros)
        {
            RootName = span.Name;
        }

        StartMicros = Math.Min(StartMicros, start);
        EndMicros = Math.Max(EndMicros, EvalsDatabase.Micros(span.EndTime));
        SessionId ??= span.SessionId;
        UserId ??= span.UserId;
        ServiceName ??= span.ServiceName;
        Count(span);
    }

    private void Count(TraceIndexEntry span)
    {
        SpanCount++;
        ErrorCount += span.IsError ? 1 : 0;
        InputTokens += span.InputTokens;
        OutputTokens += span.OutputTokens;
        CostUsd += span.CostUsd;
        foreach (string model in span.Models)
        {
            if (!_models.Contains(model, StringComparer.Ordinal))
            {
                _models.Add(model);
            }
        }
    }
}
