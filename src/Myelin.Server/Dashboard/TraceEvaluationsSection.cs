using System.Globalization;
using System.Text;
using Myelin.Evals.Monitoring;
using Myelin.Evals.Traces;

namespace Myelin.Server.Dashboard;

/// <summary>The trace page's evaluation section: what monitors scored and flagged, human feedback, and thumbs buttons.</summary>
internal static class TraceEvaluationsSection
{
    private const string Script = """
        <script>
        document.querySelectorAll('[data-thumbs]').forEach(button => button.addEventListener('click', async () => {
          const response = await fetch('/api/traces/' + button.dataset.trace + '/feedback', { method: 'POST', credentials: 'same-origin',
            headers: { 'X-Myelin-Dashboard': '1', 'Content-Type': 'application/json' },
            body: JSON.stringify({ thumbs: button.dataset.thumbs }) });
          if (response.ok) { location.reload(); return; }
          const problem = await response.json().catch(() => null);
          const box = document.getElementById('feedback-error');
          box.textContent = problem && problem.detail ? problem.detail : 'The request failed with status ' + response.status + '.';
          box.hidden = false;
        }));
        </script>
        """;

    public static string Render(string traceId, IReadOnlyList<TraceResult> results, IReadOnlyList<Feedback> feedback)
    {
        var html = new StringBuilder(4096);
        html.Append("<h4>Evaluations</h4>");
        if (results.Count == 0)
        {
            html.Append("<div class=\"empty\">No monitor has evaluated this trace.</div>");
        }
        else
        {
            html.Append("<table data-testid=\"results\"><thead><tr><th>Name</th><th>Source</th><th>Turn</th><th>Score</th><th>Label</th><th>Monitor</th>")
                .Append("</tr></thead><tbody>");
            foreach (TraceResult r in results)
            {
                html.Append("<tr><td>").Append(Layout.Encode(r.Name)).Append("</td><td>")
                    .Append(r.Source == TraceResultSource.Detector ? "detector" : "evaluator").Append("</td><td>")
                    .Append(r.TurnIndex.ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"mono\">")
                    .Append(r.Score is { } s ? s.ToString("0.###", CultureInfo.InvariantCulture) : "\u2013").Append("</td><td")
                    .Append(r.Flagged ? " class=\"bad\"" : string.Empty).Append('>').Append(Layout.Encode(r.Label)).Append("</td><td>")
                    .Append(Layout.Encode(r.Monitor)).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("<h4>Feedback</h4><div class=\"error\" role=\"alert\" id=\"feedback-error\" hidden></div><div class=\"pager\">")
            .Append("<button class=\"primary\" type=\"button\" data-thumbs=\"up\" data-trace=\"").Append(traceId).Append("\">\U0001F44D Good</button>")
            .Append("<button class=\"primary\" type=\"button\" data-thumbs=\"down\" data-trace=\"").Append(traceId).Append("\">\U0001F44E Bad</button></div>");
        if (feedback.Count > 0)
        {
            html.Append("<table data-testid=\"feedback\"><thead><tr><th>At (UTC)</th><th>Thumbs</th><th>Score</th><th>Label</th><th>Evaluator</th>")
                .Append("<th>Comment</th><th>By</th></tr></thead><tbody>");
            foreach (Feedback f in feedback)
            {
                html.Append("<tr><td class=\"mono\">").Append(TraceFormat.Time(f.At)).Append("</td><td>").Append(Layout.Encode(f.Thumbs)).Append("</td><td>")
                    .Append(f.Score?.ToString("0.###", CultureInfo.InvariantCulture)).Append("</td><td>").Append(Layout.Encode(f.Label)).Append("</td><td>")
                    .Append(Layout.Encode(f.Evaluator)).Append("</td><td>").Append(Layout.Encode(f.Comment)).Append("</td><td>").Append(Layout.Encode(f.Author))
                    .Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        return html.Append(Script).ToString();
    }
}
