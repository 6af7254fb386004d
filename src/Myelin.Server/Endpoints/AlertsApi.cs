using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Myelin.Core;
using Myelin.Evals.Monitoring;
using Myelin.Hosting;
using Myelin.Server.Auth;

namespace Myelin.Server.Endpoints;

/// <summary>
/// Alert rules and what they did: <c>GET /api/alerts/rules</c>, <c>PUT|DELETE /api/alerts/rules/{name}</c>,
/// <c>GET /api/alerts/events?rule=&amp;limit=</c> and <c>GET /api/alerts/deliveries?eventId=&amp;limit=</c>.
/// </summary>
public static class AlertsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder read = routes.MapGroup("/api/alerts").WithTags("Alerts").RequireAuthorization(ApiKeyDefaults.ReaderPolicy);
        read.MapGet("/rules", ListRulesAsync).WithSummary("The tenant's alert rules with their states (secrets are never listed).");
        read.MapGet("/events", ListEventsAsync).ProducesProblem(StatusCodes.Status400BadRequest).WithSummary("Alert events newest first; ?rule=, ?limit= (1-1000).");
        read.MapGet("/deliveries", ListDeliveriesAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Webhook delivery attempts newest first; ?eventId=, ?limit= (1-1000).");

        RouteGroupBuilder write = routes.MapGroup("/api/alerts").WithTags("Alerts").RequireAuthorization(ApiKeyDefaults.WriterPolicy);
        write.MapPut("/rules/{name}", PutRuleAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Create or replace a rule {kind, target, threshold, windowMinutes, minCount, webhookUrl, secret}; its state is kept.");
        write.MapDelete("/rules/{name}", DeleteRuleAsync).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Delete a rule (its events stay).");
        return routes;
    }

    /// <summary>The wire shape of an event.</summary>
    public static AlertEventOutput ToOutput(AlertEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new AlertEventOutput(e.Id, e.Rule, MonitoringNames.Of(e.State), e.At, e.Traces, e.Flagged, e.Value, e.Threshold);
    }

    /// <summary>The wire shape of a rule, with <paramref name="secret"/> only when it was just generated.</summary>
    public static AlertRuleOutput ToOutput(AlertRuleStatus status, string? secret = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        AlertRule r = status.Rule;
        return new AlertRuleOutput(
            r.Name, MonitoringNames.Of(r.Kind), r.Target, r.Threshold, r.Window.TotalMinutes, r.MinCount, r.WebhookUrl?.AbsoluteUri,
            MonitoringNames.Of(status.State), status.Since, secret);
    }

    private static async Task<Ok<AlertRuleOutput[]>> ListRulesAsync(HttpContext context, IMonitorStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        IReadOnlyList<AlertRuleStatus> rules = await store.ListRulesAsync(principal.Tenant, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(rules.Select(r => ToOutput(r)).ToArray());
    }

    private static async Task<Results<Created<AlertRuleOutput>, Ok<AlertRuleOutput>>> PutRuleAsync(
        string name, AlertRuleInput? input, HttpContext context, IMonitorStore store, MyelinOptions options)
    {
        Principal principal = context.RequireMyelinPrincipal();
        if (input is null)
        {
            throw new MyelinValidationException("invalid_alert_rule", "Send the rule as JSON: {kind, target, threshold, windowMinutes, minCount, webhookUrl}.");
        }

        Uri? webhook = null;
        if (!string.IsNullOrEmpty(input.WebhookUrl) && !Uri.TryCreate(input.WebhookUrl, UriKind.Absolute, out webhook))
        {
            throw new MyelinValidationException("invalid_alert_rule", "'webhookUrl' must be an absolute http or https URL.");
        }

        if (input.WindowMinutes is { } w && !(w >= 1 && w <= AlertRule.MaxWindow.TotalMinutes))
        {
            throw new MyelinValidationException("invalid_alert_rule", "'windowMinutes' must be from 1 to 10080 (7 days).");
        }

        string? generated = webhook is not null && input.Secret is null ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) : null;
        var rule = new AlertRule
        {
            Name = name,
            Kind = MonitoringNames.RuleKind(input.Kind),
            Target = input.Target ?? string.Empty,
            Threshold = input.Threshold ?? throw new MyelinValidationException("invalid_alert_rule", "'threshold' (0-1) is required."),
            Window = TimeSpan.FromMinutes(input.WindowMinutes ?? 15),
            MinCount = input.MinCount ?? 1,
            WebhookUrl = webhook,
            Secret = input.Secret ?? generated,
        };
        rule.Validate(options.AllowPrivateWebhookTargets);
        bool created = await store.PutRuleAsync(principal.Tenant, rule, context.RequestAborted).ConfigureAwait(false);
        AlertRuleStatus status = (await store.ListRulesAsync(principal.Tenant, context.RequestAborted).ConfigureAwait(false)).First(r => r.Rule.Name == name);
        AlertRuleOutput output = ToOutput(status, generated);
        return created ? TypedResults.Created("/api/alerts/rules/" + name, output) : TypedResults.Ok(output);
    }

    private static async Task<NoContent> DeleteRuleAsync(string name, HttpContext context, IMonitorStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        return await store.DeleteRuleAsync(principal.Tenant, name, context.RequestAborted).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : throw new MyelinNotFoundException("alert_rule_not_found", $"No alert rule '{name}' in this tenant.");
    }

    private static async Task<Ok<AlertEventOutput[]>> ListEventsAsync(string? rule, string? limit, HttpContext context, IMonitorStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        IReadOnlyList<AlertEvent> events = await store.ListEventsAsync(
            principal.Tenant, string.IsNullOrEmpty(rule) ? null : rule, Limit(limit), context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(events.Select(ToOutput).ToArray());
    }

    private static async Task<Ok<WebhookDelivery[]>> ListDeliveriesAsync(string? eventId, string? limit, HttpContext context, IMonitorStore store)
    {
        Principal principal = context.RequireMyelinPrincipal();
        long? id = null;
        if (!string.IsNullOrEmpty(eventId))
        {
            id = long.TryParse(eventId, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed)
                ? parsed
                : throw new MyelinValidationException("invalid_event_id", $"'eventId' must be a whole number, got '{eventId}'.");
        }

        return TypedResults.Ok((await store.ListDeliveriesAsync(principal.Tenant, id, Limit(limit), context.RequestAborted).ConfigureAwait(false)).ToArray());
    }

    /// <summary>Parses a <c>limit</c> of 1-1000 (default 100).</summary>
    public static int Limit(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 100;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int limit) && limit is >= 1 and <= 1000
            ? limit
            : throw new MyelinValidationException("invalid_limit", $"'limit' must be a whole number from 1 to 1000, got '{text}'.");
    }
}
