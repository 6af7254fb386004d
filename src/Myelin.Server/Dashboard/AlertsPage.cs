using System.Globalization;
using System.Text;
using Myelin.Evals.Monitoring;

namespace Myelin.Server.Dashboard;

/// <summary>Renders alert rules with their states, recent events (firing/resolved) and webhook deliveries.</summary>
internal static class AlertsPage
{
    public static string Render(IReadOnlyList<AlertRuleStatus> rules, IReadOnlyList<AlertEvent> events, IReadOnlyList<WebhookDelivery> deliveries)
    {
        var html = new StringBuilder(8192);
        html.Append("<h1>Alerts</h1>");
        int firing = rules.Count(r => r.State == AlertState.Firing);
        html.Append("<div class=\"cards\"><div class=\"card\" data-testid=\"firing\"><div class=\"label\">Firing</div><div class=\"value")
            .Append(firing > 0 ? " bad" : string.Empty).Append("\">").Append(firing.ToString(CultureInfo.InvariantCulture))
            .Append("</div></div><div class=\"card\"><div class=\"label\">Rules</div><div class=\"value\">")
            .Append(rules.Count.ToString(CultureInfo.InvariantCulture)).Append("</div></div></div>");
        if (rules.Count == 0)
        {
            html.Append("<div class=\"empty\">No alert rules. Create one with <code>PUT /api/alerts/rules/{name}</code>.</div>");
        }
        else
        {
            html.Append("<h4>Rules</h4><table data-testid=\"alert-rules\"><thead><tr><th>Rule</th><th>State</th><th>Since (UTC)</th><th>Condition</th>")
                .Append("<th>Window</th><th>Min traces</th><th>Webhook</th></tr></thead><tbody>");
            foreach (AlertRuleStatus s in rules)
            {
                AlertRule r = s.Rule;
                string condition = r.Kind == AlertRuleKind.FindingRate
                    ? string.Create(CultureInfo.InvariantCulture, $"share with {r.Target} \u2265 {r.Threshold:0.###}")
                    : string.Create(CultureInfo.InvariantCulture, $"mean {r.Target} < {r.Threshold:0.###}");
                html.Append("<tr><td>").Append(Layout.Encode(r.Name)).Append("</td><td>").Append(Badge(s.State)).Append("</td><td class=\"mono\">")
                    .Append(TraceFormat.Time(s.Since)).Append("</td><td>").Append(Layout.Encode(condition)).Append("</td><td>")
                    .Append(r.Window.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)).Append(" min</td><td>")
                    .Append(r.MinCount.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(Layout.Encode(r.WebhookUrl?.Host)).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("<h4>Events</h4>");
        if (events.Count == 0)
        {
            html.Append("<div class=\"empty\">No rule has fired yet.</div>");
        }
        else
        {
            html.Append("<table data-testid=\"alert-events\"><thead><tr><th>#</th><th>At (UTC)</th><th>Rule</th><th>State</th><th>Value</th>")
                .Append("<th>Threshold</th><th>Traces (flagged)</th></tr></thead><tbody>");
            foreach (AlertEvent e in events)
            {
                html.Append("<tr><td class=\"mono\">").Append(e.Id.ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"mono\">")
                    .Append(TraceFormat.Time(e.At)).Append("</td><td>").Append(Layout.Encode(e.Rule)).Append("</td><td>").Append(Badge(e.State))
                    .Append("</td><td class=\"mono\">").Append(e.Value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "\u2013")
                    .Append("</td><td class=\"mono\">").Append(e.Threshold.ToString("0.###", CultureInfo.InvariantCulture)).Append("</td><td>")
                    .Append(e.Traces.ToString(CultureInfo.InvariantCulture)).Append(" (").Append(e.Flagged.ToString(CultureInfo.InvariantCulture))
                    .Append(")</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        if (deliveries.Count > 0)
        {
            html.Append("<h4>Webhook deliveries</h4><table data-testid=\"deliveries\"><thead><tr><th>Event</th><th>Rule</th><th>Attempt</th>")
                .Append("<th>At (UTC)</th><th>Status</th><th>Error</th></tr></thead><tbody>");
            foreach (WebhookDelivery d in deliveries)
            {
                html.Append("<tr><td class=\"mono\">").Append(d.EventId.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(Layout.Encode(d.Rule))
                    .Append("</td><td>").Append(d.Attempt.ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"mono\">").Append(TraceFormat.Time(d.At))
                    .Append("</td><td").Append(d.Succeeded ? ">" : " class=\"bad\">")
                    .Append(d.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "\u2013").Append("</td><td>").Append(Layout.Encode(d.Error)).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        return html.ToString();
    }

    private static string Badge(AlertState state) =>
        "<span class=\"kind" + (state == AlertState.Firing ? " firing" : string.Empty) + "\" data-state=\"" + MonitoringNames.Of(state) + "\">"
        + MonitoringNames.Of(state) + "</span>";
}
