using System.Globalization;
using System.Text;
using Myelin.Server.Endpoints;

namespace Myelin.Server.Dashboard;

/// <summary>Renders one trace: a waterfall of its span tree with timings, tokens, cost, and each span's inputs, outputs and attributes.</summary>
internal static class TraceDetailPage
{
    public static string Render(TraceDetailOutput trace)
    {
        SpanView[] spans = [.. trace.Spans.Select(s => SpanView.From(s.SpanId, s.Depth, s.Span))];
        DateTimeOffset start = spans.Min(s => s.Start);
        double totalMs = Math.Max(spans.Max(s => (s.Start - start).TotalMilliseconds + s.DurationMs), 0.001);
        long input = spans.Sum(s => s.InputTokens ?? 0), output = spans.Sum(s => s.OutputTokens ?? 0);
        double? cost = spans.Any(s => s.CostUsd is not null) ? spans.Sum(s => s.CostUsd ?? 0) : null;

        var html = new StringBuilder(16384);
        html.Append("<h1>Trace <code>").Append(trace.TraceId).Append("</code></h1><div class=\"cards\">");
        Card(html, "Duration", TraceFormat.Duration(totalMs), "duration");
        Card(html, "Spans", spans.Length.ToString(CultureInfo.InvariantCulture), "span-count");
        Card(html, "Errors", spans.Count(s => s.IsError).ToString(CultureInfo.InvariantCulture), "errors");
        Card(html, "Tokens in / out", $"{TraceFormat.Tokens(input)} / {TraceFormat.Tokens(output)}", "tokens");
        Card(html, "Cost", TraceFormat.Cost(cost), "cost");
        html.Append("</div>");
        if (trace.Truncated)
        {
            html.Append("<div class=\"error\">This trace has more spans than one page shows; the first ")
                .Append(TracesApi.MaxSpans.ToString(CultureInfo.InvariantCulture)).Append(" are listed.</div>");
        }

        html.Append("<table class=\"waterfall\" data-testid=\"spans\"><thead><tr><th>Span</th><th>Timeline</th><th>Duration</th>")
            .Append("<th>Model</th><th>Tokens in/out</th><th>Cost</th><th>Status</th></tr></thead><tbody>");
        foreach (SpanView span in spans)
        {
            double left = (span.Start - start).TotalMilliseconds / totalMs * 100;
            double width = Math.Max(span.DurationMs / totalMs * 100, 0.5);
            html.Append("<tr data-span=\"").Append(span.SpanId).Append("\"><td style=\"padding-left:")
                .Append((8 + (span.Depth * 18)).ToString(CultureInfo.InvariantCulture)).Append("px\"><details><summary>")
                .Append(Layout.Encode(span.Name)).Append(" <span class=\"muted\">").Append(Layout.Encode(span.Kind)).Append("</span></summary>");
            Details(html, span);
            html.Append("</details></td><td class=\"timeline\"><div class=\"bar").Append(span.IsError ? " bad" : string.Empty)
                .Append("\" style=\"margin-left:").Append(left.ToString("F2", CultureInfo.InvariantCulture)).Append("%;width:")
                .Append(Math.Min(width, 100 - left).ToString("F2", CultureInfo.InvariantCulture)).Append("%\"></div></td><td class=\"mono\">")
                .Append(TraceFormat.Duration(span.DurationMs)).Append("</td><td>").Append(Layout.Encode(span.Model)).Append("</td><td class=\"mono\">")
                .Append(TraceFormat.Tokens(span.InputTokens)).Append(" / ").Append(TraceFormat.Tokens(span.OutputTokens)).Append("</td><td class=\"mono\">")
                .Append(TraceFormat.Cost(span.CostUsd)).Append("</td><td").Append(span.IsError ? " class=\"bad\"" : string.Empty).Append('>')
                .Append(Layout.Encode(span.Status)).Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        return html.ToString();
    }

    private static void Details(StringBuilder html, SpanView span)
    {
        if (span.InputMessages is not null)
        {
            html.Append("<h4>Input</h4><pre data-testid=\"input\">").Append(Layout.Encode(span.InputMessages)).Append("</pre>");
        }

        if (span.OutputMessages is not null)
        {
            html.Append("<h4>Output</h4><pre data-testid=\"output\">").Append(Layout.Encode(span.OutputMessages)).Append("</pre>");
        }

        html.Append("<table class=\"attrs\">");
        foreach (KeyValuePair<string, string> attribute in span.Attributes.Where(a => a.Key is not ("gen_ai.input.messages" or "gen_ai.output.messages")))
        {
            html.Append("<tr><td class=\"mono\">").Append(Layout.Encode(attribute.Key)).Append("</td><td class=\"mono\">")
                .Append(Layout.Encode(attribute.Value)).Append("</td></tr>");
        }

        html.Append("</table>");
    }

    private static void Card(StringBuilder html, string label, string value, string id) =>
        html.Append("<div class=\"card\" data-testid=\"").Append(id).Append("\"><div class=\"label\">").Append(Layout.Encode(label))
            .Append("</div><div class=\"value\">").Append(Layout.Encode(value)).Append("</div></div>");
}
