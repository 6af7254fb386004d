using Myelin.Evals.Monitoring;
using Myelin.Evals.Traces;
using Myelin.Server.Auth;

namespace Myelin.Server.Dashboard;

/// <summary>The dashboard's monitoring pages: alerts and the annotation queue.</summary>
internal static class MonitoringPages
{
    public static async Task<IResult> AlertsAsync(HttpContext context, IMonitorStore store)
    {
        if (context.User.GetMyelinPrincipal() is not { } caller)
        {
            return Results.Redirect("/login");
        }

        IReadOnlyList<AlertRuleStatus> rules = await store.ListRulesAsync(caller.Tenant, context.RequestAborted).ConfigureAwait(false);
        IReadOnlyList<AlertEvent> events = await store.ListEventsAsync(caller.Tenant, null, 100, context.RequestAborted).ConfigureAwait(false);
        IReadOnlyList<WebhookDelivery> deliveries = await store.ListDeliveriesAsync(caller.Tenant, null, 50, context.RequestAborted).ConfigureAwait(false);
        return Layout.Page("Alerts", "alerts", AlertsPage.Render(rules, events, deliveries));
    }

    public static async Task<IResult> AnnotationsAsync(HttpContext context, IMonitorStore store, ITraceIndexStore traces)
    {
        if (context.User.GetMyelinPrincipal() is not { } caller)
        {
            return Results.Redirect("/login");
        }

        IReadOnlyList<AnnotationItem> pending = await store.ListAnnotationsAsync(caller.Tenant, AnnotationStatus.Pending, 200, context.RequestAborted)
            .ConfigureAwait(false);
        IReadOnlyList<AnnotationItem> claimed = await store.ListAnnotationsAsync(caller.Tenant, AnnotationStatus.Claimed, 200, context.RequestAborted)
            .ConfigureAwait(false);
        IReadOnlyList<AnnotationItem> completed = await store.ListAnnotationsAsync(caller.Tenant, AnnotationStatus.Completed, 1000, context.RequestAborted)
            .ConfigureAwait(false);
        IReadOnlyList<EvaluatorAgreement> agreement = await EvaluatorAgreement.ComputeAsync(store, traces, caller.Tenant, null, context.RequestAborted)
            .ConfigureAwait(false);
        AnnotationItem[] open = [.. claimed.Concat(pending).OrderBy(i => i.Id)];
        AnnotationItem[] recent = [.. completed.OrderByDescending(i => i.Id).Take(50)];
        return Layout.Page("Annotations", "annotations", AnnotationsPage.Render(open, recent, agreement, caller.KeyId));
    }
}
