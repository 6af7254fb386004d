using System.Globalization;
using System.Text;
using Myelin.Evals.Traces;

namespace Myelin.Server.Dashboard;

/// <summary>Renders the trace list: filters by session, user, model, time, finding and score; newest first, paged by cursor.</summary>
internal static class TracesPage
{
    public static string Render(IQueryCollection query, TracePage? page, string? error)
    {
        var html = new StringBuilder(8192);
        html.Append("<h1>Traces</h1><form class=\"filters\" method=\"get\" action=\"/traces\">");
        foreach ((string label, string name, string type) in new[]
        {
            ("Session id", "sessionId", "text"), ("User id", "userId", "text"), ("Model", "model", "text"),
            ("From (UTC)", "from", "datetime-local"), ("To (UTC)", "to", "datetime-local"), ("Finding", "finding", "text"),
            ("Score metric", "scoreName", "text"), ("Score min", "scoreMin", "number"), ("Score max", "scoreMax", "number"),
        })
        {
            html.Append("<label>").Append(label).Append("<input type=\"").Append(type).Append("\" name=\"").Append(name)
                .Append(type == "number" ? "\" step=\"any\" min=\"0\" max=\"1" : string.Empty)
                .Append("\" value=\"").Append(Layout.Encode(query[name].ToString())).Append("\"></label>");
        }

        html.Append("<button class=\"primary\" type=\"submit\">Filter</button> <a href=\"/traces\">Clear</a></form>");
        if (error is not null)
        {
            html.Append("<div class=\"error\" role=\"alert\">").Append(Layout.Encode(error)).Append("</div>");
            return html.ToString();
        }

        if (page is null || page.Traces.Count == 0)
        {
            html.Append("<div class=\"empty\">No traces match these filters. Send spans with <code>TracingChatClient</code> or any OpenTelemetry SDK to <code>POST /v1/traces</code>.</div>");
            return html.ToString();
        }

        html.Append("<table data-testid=\"traces\"><thead><tr><th>Start (UTC)</th><th>Trace</th><th>Duration</th><th>Spans</th><th>Errors</th>")
            .Append("<th>Models</th><th>Tokens in/out</th><th>Cost</th><th>Session</th><th>User</th></tr></thead><tbody>");
        foreach (TraceSummary t in page.Traces)
        {
            html.Append("<tr><td class=\"mono\">").Append(TraceFormat.Time(t.StartTime)).Append("</td><td><a href=\"/traces/")
                .Append(t.TraceId).Append("\">").Append(Layout.Encode(t.RootName)).Append("</a></td><td class=\"mono\">")
                .Append(TraceFormat.Duration(t.DurationMs)).Append("</td><td>").Append(t.SpanCount.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td").Append(t.ErrorCount > 0 ? " class=\"bad\"" : string.Empty).Append('>').Append(t.ErrorCount.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(Layout.Encode(string.Join(", ", t.Models))).Append("</td><td class=\"mono\">")
                .Append(TraceFormat.Tokens(t.InputTokens)).Append(" / ").Append(TraceFormat.Tokens(t.OutputTokens)).Append("</td><td class=\"mono\">")
                .Append(TraceFormat.Cost(t.CostUsd)).Append("</td><td>");
            if (t.SessionId is not null)
            {
                html.Append("<a href=\"/sessions/").Append(Uri.EscapeDataString(t.SessionId)).Append("\">").Append(Layout.Encode(t.SessionId)).Append("</a>");
            }

            html.Append("</td><td>").Append(Layout.Encode(t.UserId)).Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        if (page.Next is not null)
        {
            var parts = query.Where(q => q.Key != "cursor").Select(q => q.Key + "=" + Uri.EscapeDataString(q.Value.ToString())).ToList();
            parts.Add("cursor=" + Uri.EscapeDataString(page.Next));
            html.Append("<div class=\"pager\"><a data-testid=\"older\" href=\"").Append(Layout.Encode("/traces?" + string.Join('&', parts)))
                .Append("\">Older \u2192</a></div>");
        }

        return html.ToString();
    }
}
