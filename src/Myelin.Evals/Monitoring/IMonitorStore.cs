using Myelin.Core;

namespace Myelin.Evals.Monitoring;

/// <summary>
/// Stored monitors, alert rules (with state, events and webhook deliveries), human feedback and the annotation queue.
/// </summary>
/// <remarks>
/// Thread-safe. Every row carries its tenant and every call is scoped by the tenant argument; ids are unique per
/// installation, and an id of another tenant reads as not found.
/// </remarks>
public interface IMonitorStore : IAsyncDisposable
{
    /// <summary>How long a claim on an annotation item lasts before another annotator may take the item.</summary>
    TimeSpan ClaimLease { get; }

    /// <summary>Creates or replaces a monitor; returns true when it was created.</summary>
    Task<bool> PutMonitorAsync(TenantId tenant, MonitorConfig monitor, CancellationToken cancellationToken = default);

    /// <summary>The tenant's monitors by name.</summary>
    Task<IReadOnlyList<MonitorConfig>> ListMonitorsAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>Deletes a monitor; false when there was none.</summary>
    Task<bool> DeleteMonitorAsync(TenantId tenant, string name, CancellationToken cancellationToken = default);

    /// <summary>Tenants with an enabled monitor or an alert rule: what the background service visits.</summary>
    Task<IReadOnlyList<TenantId>> ListActiveTenantsAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces an alert rule; its state is kept across replacements. Returns true when it was created.</summary>
    Task<bool> PutRuleAsync(TenantId tenant, AlertRule rule, CancellationToken cancellationToken = default);

    /// <summary>The tenant's rules with their states, by name.</summary>
    Task<IReadOnlyList<AlertRuleStatus>> ListRulesAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>Deletes a rule (its events stay); false when there was none.</summary>
    Task<bool> DeleteRuleAsync(TenantId tenant, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a rule from <paramref name="from"/> to <paramref name="to"/> and stores <paramref name="alert"/> (its id is
    /// assigned); returns the stored event, or null when the rule was no longer in <paramref name="from"/> (another
    /// evaluation got there first) or is gone.
    /// </summary>
    Task<AlertEvent?> TransitionAsync(TenantId tenant, AlertState from, AlertState to, AlertEvent alert, CancellationToken cancellationToken = default);

    /// <summary>Events newest first, of one rule or all.</summary>
    Task<IReadOnlyList<AlertEvent>> ListEventsAsync(TenantId tenant, string? rule, int limit, CancellationToken cancellationToken = default);

    /// <summary>Appends webhook delivery attempts to the delivery log.</summary>
    Task AddDeliveriesAsync(TenantId tenant, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default);

    /// <summary>Delivery attempts newest first, of one event or all.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(TenantId tenant, long? eventId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Stores validated feedback (<see cref="Feedback.Validate"/>); returns it with its id and time.</summary>
    Task<Feedback> AddFeedbackAsync(TenantId tenant, Feedback feedback, CancellationToken cancellationToken = default);

    /// <summary>A trace's feedback, oldest first.</summary>
    Task<IReadOnlyList<Feedback>> ListFeedbackAsync(TenantId tenant, string traceId, CancellationToken cancellationToken = default);

    /// <summary>The latest human label per trace for <paramref name="evaluator"/>, most recent traces first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<(string TraceId, string Label)>> GetHumanLabelsAsync(
        TenantId tenant, string evaluator, int limit, CancellationToken cancellationToken = default);

    /// <summary>Evaluators that have human labels, sorted.</summary>
    Task<IReadOnlyList<string>> ListLabelledEvaluatorsAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>Queues a trace for annotation; an open (pending or claimed) item for the same trace and name is returned instead of a duplicate.</summary>
    Task<AnnotationItem> EnqueueAsync(
        TenantId tenant, string traceId, string? name, string source, string reason, CancellationToken cancellationToken = default);

    /// <summary>Items oldest first, of one status or all.</summary>
    Task<IReadOnlyList<AnnotationItem>> ListAnnotationsAsync(
        TenantId tenant, AnnotationStatus? status, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims item <paramref name="id"/>, or the oldest claimable item when null, for <paramref name="annotator"/>. An item
    /// is claimable when pending, or claimed longer than <see cref="ClaimLease"/> ago. Returns null when none is claimable.
    /// </summary>
    /// <exception cref="MyelinNotFoundException">No item <paramref name="id"/> in this tenant.</exception>
    /// <exception cref="MyelinConflictException">The item is completed or held by another annotator.</exception>
    Task<AnnotationItem?> ClaimAsync(TenantId tenant, long? id, string annotator, CancellationToken cancellationToken = default);

    /// <summary>Completes an item claimed by <paramref name="annotator"/> and stores the label as feedback for the item's evaluator.</summary>
    /// <exception cref="MyelinNotFoundException">No item <paramref name="id"/> in this tenant.</exception>
    /// <exception cref="MyelinConflictException">The item is not claimed by <paramref name="annotator"/>, or already completed.</exception>
    Task<AnnotationItem> CompleteAsync(
        TenantId tenant, long id, string annotator, string label, string? comment, CancellationToken cancellationToken = default);
}
