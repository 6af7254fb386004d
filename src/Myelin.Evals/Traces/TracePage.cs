namespace Myelin.Evals.Traces;

/// <summary>A page of trace summaries, newest first.</summary>
/// <param name="Traces">The summaries.</param>
/// <param name="Next">Pass as <see cref="TraceQuery.Cursor"/> for the next page; null at the end.</param>
public sealed record TracePage(IReadOnlyList<TraceSummary> Traces, string? Next);
