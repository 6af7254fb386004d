using System.Globalization;
using System.Text;
using Myelin.Evals.Monitoring;

namespace Myelin.Server.Dashboard;

/// <summary>
/// Renders the annotation queue: claim the next item, label the items you hold, and see judge-vs-human agreement.
/// The buttons post to the annotation API from a small script with the dashboard header (see the authentication handler).
/// </summary>
internal static class AnnotationsPage
{
    private const string Script = """
        <script>
        async function myelinPost(url, body) {
          const response = await fetch(url, { method: 'POST', credentials: 'same-origin',
            headers: { 'X-Myelin-Dashboard': '1', 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : null });
          if (response.ok) { return true; }
          const problem = await response.json().catch(() => null);
          const box = document.getElementById('annotation-error');
          box.textContent = problem && problem.detail ? problem.detail : 'The request failed with status ' + response.status + '.';
          box.hidden = false;
          return false;
        }
        document.querySelector('[data-testid=claim-next]').addEventListener('click', async () => {
          if (await myelinPost('/api/annotations/claim')) { location.reload(); }
        });
        document.querySelectorAll('form.label-form').forEach(form => form.addEventListener('submit', async event => {
          event.preventDefault();
          const body = { label: form.querySelector('[name=label]').value, comment: form.querySelector('[name=comment]').value };
          if (await myelinPost('/api/annotations/' + form.dataset.id + '/complete', body)) { location.reload(); }
        }));
        </script>
        """;

    public static string Render(
        IReadOnlyList<AnnotationItem> open, IReadOnlyList<AnnotationItem> completed, IReadOnlyList<EvaluatorAgreement> agreement, string me)
    {
        var html = new StringBuilder(8192);
        html.Append("<h1>Annotation queue</h1><div class=\"error\" role=\"alert\" id=\"annotation-error\" hidden></div>")
            .Append("<div class=\"pager\"><span data-testid=\"pending\">")
            .Append(open.Count(i => i.Status == AnnotationStatus.Pending).ToString(CultureInfo.InvariantCulture))
            .Append(" pending</span><button class=\"primary\" type=\"button\" data-testid=\"claim-next\">Claim next</button></div>");
        if (open.Count == 0)
        {
            html.Append("<div class=\"empty\">Nothing to annotate. Monitors queue flagged results they annotate; <code>POST /api/annotations</code> queues by hand.</div>");
        }
        else
        {
            html.Append("<table data-testid=\"annotations\"><thead><tr><th>#</th><th>Trace</th><th>Judge</th><th>Reason</th><th>Status</th><th>Label</th>")
                .Append("</tr></thead><tbody>");
            foreach (AnnotationItem item in open)
            {
                html.Append("<tr data-id=\"").Append(item.Id.ToString(CultureInfo.InvariantCulture)).Append("\"><td class=\"mono\">")
                    .Append(item.Id.ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"mono\"><a href=\"/traces/").Append(item.TraceId).Append("\">")
                    .Append(item.TraceId).Append("</a></td><td>").Append(Layout.Encode(item.Name ?? "review")).Append("</td><td>")
                    .Append(Layout.Encode(item.Reason)).Append("</td><td>").Append(MonitoringNames.Of(item.Status));
                if (item.ClaimedBy is { } who && item.Status == AnnotationStatus.Claimed)
                {
                    html.Append(" <span class=\"muted\">by ").Append(Layout.Encode(who)).Append("</span>");
                }

                html.Append("</td><td>");
                if (item.Status == AnnotationStatus.Claimed && item.ClaimedBy == me)
                {
                    LabelForm(html, item);
                }

                html.Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        if (completed.Count > 0)
        {
            html.Append("<h4>Recently labelled</h4><table data-testid=\"completed\"><thead><tr><th>#</th><th>Trace</th><th>Judge</th><th>Label</th><th>Comment</th>")
                .Append("<th>By</th></tr></thead><tbody>");
            foreach (AnnotationItem item in completed)
            {
                html.Append("<tr><td class=\"mono\">").Append(item.Id.ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"mono\"><a href=\"/traces/")
                    .Append(item.TraceId).Append("\">").Append(item.TraceId).Append("</a></td><td>").Append(Layout.Encode(item.Name ?? "review"))
                    .Append("</td><td>").Append(Layout.Encode(item.Label)).Append("</td><td>").Append(Layout.Encode(item.Comment)).Append("</td><td>")
                    .Append(Layout.Encode(item.ClaimedBy)).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        if (agreement.Count > 0)
        {
            html.Append("<h4>Judge vs human agreement</h4><table data-testid=\"agreement\"><thead><tr><th>Evaluator</th><th>Human labels</th><th>Paired</th>")
                .Append("<th>Observed</th><th>Cohen's \u03ba</th></tr></thead><tbody>");
            foreach (EvaluatorAgreement a in agreement)
            {
                html.Append("<tr><td>").Append(Layout.Encode(a.Evaluator)).Append("</td><td>").Append(a.HumanLabels.ToString(CultureInfo.InvariantCulture))
                    .Append("</td><td>").Append(a.Agreement.Pairs.ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"mono\">")
                    .Append(a.Agreement.Observed.ToString("0.###", CultureInfo.InvariantCulture)).Append("</td><td class=\"mono\" data-testid=\"kappa\">")
                    .Append(a.Agreement.Kappa is { } k ? k.ToString("0.###", CultureInfo.InvariantCulture) : "undefined").Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        return html.Append(Script).ToString();
    }

    private static void LabelForm(StringBuilder html, AnnotationItem item)
    {
        html.Append("<form class=\"label-form\" data-id=\"").Append(item.Id.ToString(CultureInfo.InvariantCulture)).Append("\">");
        string[] choices = item.Source switch
        {
            "finding" => ["flagged", "ok"],
            "rule" => ["fail", "pass"],
            _ => [],
        };
        if (choices.Length > 0)
        {
            html.Append("<select name=\"label\">");
            foreach (string choice in choices)
            {
                html.Append("<option>").Append(choice).Append("</option>");
            }

            html.Append("</select>");
        }
        else
        {
            html.Append("<input name=\"label\" required maxlength=\"64\" placeholder=\"label\">");
        }

        html.Append(" <input name=\"comment\" maxlength=\"4000\" placeholder=\"comment (optional)\"> <button class=\"primary\" type=\"submit\">Submit</button></form>");
    }
}
