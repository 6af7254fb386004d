using Myelin.Core;

namespace Myelin.Evals.Traces;

/// <summary>The evals room's per-trace summary index: what trace listing reads instead of scanning every span.</summary>
/// <remarks>
/// Thread-safe. The index is derived data, fed from the experience log by <see cref="TraceIndexer"/> and rebuildable
/// from it; <see cref="ApplyAsync"/> is idempotent per span, so replaying log records never double-counts. Every row
/// carries its tenant and every call is scoped by the tenant argument. Each store keeps its tables apart from the core
/// storage (docs/adr/0001-room-storage.md).
/// </remarks>
public interface ITraceIndexStore : IAsyncDisposable
{
    /// <summary>Creates or migrates the index's tables.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds spans to their traces' summaries; spans already applied are ignored.</summary>
    Task ApplyAsync(TenantId tenant, IReadOnlyList<TraceIndexEntry> spans, CancellationToken cancellationToken = default);

    /// <summary>Lists trace summaries of one tenant, newest first.</summary>
    /// <exception cref="MyelinValidationException">The query is malformed.</exception>
    Task<TracePage> ListAsync(TenantId tenant, TraceQuery query, CancellationToken cancellationToken = default);

    /// <summary>Stores evaluator scores and detector verdicts of traces; a result for the same trace, name and turn replaces the earlier one.</summary>
    Task ApplyResultsAsync(TenantId tenant, IReadOnlyList<TraceResult> results, CancellationToken cancellationToken = default);

    /// <summary>The stored results of one trace, by name then turn.</summary>
    Task<IReadOnlyList<TraceResult>> GetResultsAsync(TenantId tenant, string traceId, CancellationToken cancellationToken = default);

    /// <summary>How <paramref name="name"/> did on the traces evaluated in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    Task<WindowedRate> GetRateAsync(TenantId tenant, string name, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>
    /// The trace-level label of <paramref name="name"/> for each of <paramref name="traceIds"/> that has one: the label of the
    /// trace's first flagged turn, else of its first turn.
    /// </summary>
    Task<IReadOnlyDictionary<string, string>> GetTraceLabelsAsync(
        TenantId tenant, string name, IReadOnlyCollection<string> traceIds, CancellationToken cancellationToken = default);
}
