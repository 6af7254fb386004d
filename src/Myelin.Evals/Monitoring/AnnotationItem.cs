namespace Myelin.Evals.Monitoring;

/// <summary>A trace waiting for (or given) a human label.</summary>
/// <param name="Id">Item id.</param>
/// <param name="TraceId">The trace.</param>
/// <param name="Name">The evaluator or finding kind to judge; null for a general review.</param>
/// <param name="Source"><c>finding</c> (a flagged finding), <c>rule</c> (a failing metric a monitor annotates) or <c>manual</c>.</param>
/// <param name="Reason">Why it was queued.</param>
/// <param name="Status">Queue state.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="ClaimedBy">The annotator holding or having held it.</param>
/// <param name="ClaimedAt">When it was claimed.</param>
/// <param name="Label">The human label, once completed.</param>
/// <param name="Comment">The annotator's comment.</param>
/// <param name="CompletedAt">When it was completed.</param>
public sealed record AnnotationItem(
    long Id,
    string TraceId,
    string? Name,
    string Source,
    string Reason,
    AnnotationStatus Status,
    DateTimeOffset CreatedAt,
    string? ClaimedBy,
    DateTimeOffset? ClaimedAt,
    string? Label,
    string? Comment,
    DateTimeOffset? CompletedAt);
