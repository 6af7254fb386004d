using System.Globalization;
using System.Text;
using Myelin.Evals.Traces;
using Myelin.Server.Endpoints;

namespace Myelin.Server.Dashboard;

/// <summary>Renders a session across its turns: each trace in order, with the model's input and output when captured.</summary>
internal static class SessionPage
{
    /// <summary>How many of the session's latest turns the page shows.</summary>
    public const int MaxTurns = 50;

    public static string Render(string sessionId, IReadOnlyList<(TraceSummary Summary, TraceDetailOutput Detail)> turns)
    {
        var html = new StringBuilder(16384);
        html.Append("<h1>Session <code>").Append(Layout.Encode(sessionId)).Append("</code></h1>");
        if (turns.Count == 0)
        {
            html.Append("<div class=\"empty\">No traces are stored for this session.</div>");
            return html.ToString();
        }

        long input = turns.Sum(t => t.Summary.InputTokens), output = turns.Sum(t => t.Summary.OutputTokens);
        html.Append("<p class=\"muted\" data-testid=\"session-summary\">").Append(turns.Count.ToString(CultureInfo.InvariantCulture))
            .Append(" turns \u00b7 ").Append(TraceFormat.Tokens(input)).Append(" tokens in / ").Append(TraceFormat.Tokens(output))
            .Append(" out \u00b7 ").Append(TraceFormat.Cost(turns.Sum(t => t.Summary.CostUsd))).Append("</p><ol class=\"turns\" data-testid=\"turns\">");
        foreach ((TraceSummary summary, TraceDetailOutput detail) in turns)
        {
            SpanView? chat = detail.Spans.Select(s => SpanView.From(s.SpanId, s.Depth, s.Span))
                .LastOrDefault(s => s.InputMessages is not null || s.OutputMessages is not null);
            html.Append("<li class=\"card\"><div class=\"label\">").Append(TraceFormat.Time(summary.StartTime)).Append(" \u00b7 ")
                .Append(TraceFormat.Duration(summary.DurationMs)).Append(" \u00b7 ").Append(Layout.Encode(string.Join(", ", summary.Models)))
                .Append(" \u00b7 <a href=\"/traces/").Append(summary.TraceId).Append("\">").Append(Layout.Encode(summary.RootName)).Append("</a></div>");
            if (chat is null)
            {
                html.Append("<p class=\"muted\">Content capture was off for this turn.</p>");
            }
            else
            {
                html.Append("<pre class=\"in\">").Append(Layout.Encode(chat.InputMessages ?? string.Empty)).Append("</pre><pre class=\"out\">")
                    .Append(Layout.Encode(chat.OutputMessages ?? string.Empty)).Append("</pre>");
            }

            html.Append("</li>");
        }

        html.Append("</ol>");
        return html.ToString();
    }
}
