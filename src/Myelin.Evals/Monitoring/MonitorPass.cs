namespace Myelin.Evals.Monitoring;

/// <summary>What one monitor pass over newly stored spans did.</summary>
/// <param name="SpansRead">Span records read since the last pass.</param>
/// <param name="Traces">Completed traces seen (a trace completes when its root span is stored).</param>
/// <param name="Evaluated">Trace × monitor pairs that were sampled, matched the filters and had a turn to evaluate.</param>
/// <param name="Results">Scores and verdicts stored.</param>
/// <param name="Findings">Flagged findings among them.</param>
/// <param name="Enqueued">Annotation items queued.</param>
public sealed record MonitorPass(int SpansRead, int Traces, int Evaluated, int Results, int Findings, int Enqueued)
{
    /// <summary>A pass that did nothing.</summary>
    public static MonitorPass Empty { get; } = new(0, 0, 0, 0, 0, 0);
}
