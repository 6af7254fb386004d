using System.Globalization;
using System.Text;
using Myelin.Memory;

namespace Myelin.Server.Dashboard;

/// <summary>Renders one memory item: its fields on both time axes, its chain of versions, its history and its sources
/// in the experience log.</summary>
internal static class MemoryItemPage
{
    public static string Render(MemoryItem item, IReadOnlyList<MemoryHistoryEntry> history, IReadOnlyList<MemoryItem> chain)
    {
        var html = new StringBuilder(8192);
        html.Append("<h1>Memory item <code>").Append(Layout.Encode(item.Id)).Append("</code></h1>")
            .Append("<p><a href=\"/dashboard/memory?user=").Append(Uri.EscapeDataString(item.Scope.UserId)).Append("\">\u2190 ")
            .Append(Layout.Encode(item.Scope.UserId)).Append("'s memories</a></p>");
        html.Append("<table class=\"attrs\" data-testid=\"fields\">");
        Field(html, "text", Layout.Encode(item.Text));
        Field(html, "kind", Layout.Encode(MemoryPage.Kind(item.Kind)));
        Field(html, "state", item.IsSuperseded ? "superseded" : "current");
        Field(html, "subject", Layout.Encode(item.Subject is null ? "\u2014" : item.Subject + " = " + item.Value));
        Field(html, "user / agent / session", Layout.Encode(item.Scope.UserId + " / " + (item.Scope.AgentId ?? "\u2014") + " / " + (item.Scope.SessionId ?? "\u2014")));
        Field(html, "speaker", Layout.Encode(item.Speaker ?? "\u2014"));
        Field(html, "valid_from", MemoryPage.Time(item.ValidFrom), "valid-from");
        Field(html, "valid_to", MemoryPage.Time(item.ValidTo), "valid-to");
        Field(html, "recorded_at", MemoryPage.Time(item.RecordedAt), "recorded-at");
        Field(html, "invalidated_at", MemoryPage.Time(item.InvalidatedAt), "invalidated-at");
        Field(html, "importance", item.Importance.ToString("F2", CultureInfo.InvariantCulture));
        Field(html, "recalled", item.AccessCount.ToString(CultureInfo.InvariantCulture) + " times");
        Field(html, "supersedes", ItemLink(item.Supersedes));
        Field(html, "superseded_by", ItemLink(item.SupersededBy));
        html.Append("</table>");

        html.Append("<h4>Provenance</h4>");
        if (item.SourceOffsets.Count == 0)
        {
            html.Append("<p class=\"muted\">No source turns recorded.</p>");
        }
        else
        {
            html.Append("<ul data-testid=\"provenance\">");
            foreach (long offset in item.SourceOffsets)
            {
                string o = offset.ToString(CultureInfo.InvariantCulture);
                html.Append("<li><a href=\"/log?before=").Append((offset + 1).ToString(CultureInfo.InvariantCulture)).Append("&amp;limit=1\">log record ")
                    .Append(o).Append("</a></li>");
            }

            html.Append("</ul>");
        }

        if (chain.Count > 1)
        {
            html.Append("<h4>Versions, oldest first</h4><ol data-testid=\"chain\">");
            foreach (MemoryItem version in chain)
            {
                bool self = version.Id == item.Id;
                html.Append("<li").Append(self ? " class=\"self\"" : string.Empty).Append('>')
                    .Append(self ? "<strong>" : "<a href=\"/dashboard/memory/items/" + Uri.EscapeDataString(version.Id) + "\">")
                    .Append(Layout.Encode(version.Text)).Append(self ? "</strong>" : "</a>").Append(" <span class=\"muted\">valid ")
                    .Append(MemoryPage.Time(version.ValidFrom)).Append(" \u2192 ").Append(MemoryPage.Time(version.ValidTo)).Append("</span></li>");
            }

            html.Append("</ol>");
        }

        html.Append("<h4>History</h4><table data-testid=\"history\"><thead><tr><th>At (UTC)</th><th>Action</th><th>Text</th>")
            .Append("<th>Valid from</th><th>Valid to</th><th>Related</th><th>Reason</th></tr></thead><tbody>");
        foreach (MemoryHistoryEntry e in history)
        {
            html.Append("<tr><td class=\"mono\">").Append(MemoryPage.Time(e.At)).Append("</td><td><span class=\"kind\">")
                .Append(e.Action.ToString().ToLowerInvariant()).Append("</span></td><td>").Append(Layout.Encode(e.Text))
                .Append("</td><td class=\"mono\">").Append(MemoryPage.Time(e.ValidFrom)).Append("</td><td class=\"mono\">")
                .Append(MemoryPage.Time(e.ValidTo)).Append("</td><td>").Append(ItemLink(e.RelatedItemId)).Append("</td><td>")
                .Append(Layout.Encode(e.Reason)).Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        return html.ToString();
    }

    private static string ItemLink(string? id) => id is null
        ? "\u2014"
        : "<a href=\"/dashboard/memory/items/" + Uri.EscapeDataString(id) + "\">" + Layout.Encode(id) + "</a>";

    private static void Field(StringBuilder html, string name, string valueHtml, string? testId = null)
    {
        html.Append("<tr").Append(testId is null ? string.Empty : " data-testid=\"" + testId + "\"").Append("><td class=\"mono\">")
            .Append(name).Append("</td><td>").Append(valueHtml).Append("</td></tr>");
    }
}
