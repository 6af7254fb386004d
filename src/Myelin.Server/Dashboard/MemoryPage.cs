using System.Globalization;
using System.Text;
using Myelin.Memory;

namespace Myelin.Server.Dashboard;

/// <summary>Renders the memory browser: the tenant's users, and the chosen user's items filtered by kind and state.</summary>
internal static class MemoryPage
{
    private static readonly string[] s_kinds = ["episode", "fact", "preference", "procedure", "summary"];

    /// <summary>The filter values as typed, echoed back into the form.</summary>
    public sealed record Filters(string User, string Kind, string State);

    public static string Render(Filters filters, IReadOnlyList<MemoryUser> users, IReadOnlyList<MemoryItem>? items, string? error)
    {
        var html = new StringBuilder(8192);
        html.Append("<h1>Memory</h1><form class=\"filters\" method=\"get\" action=\"/dashboard/memory\"><label>User<select name=\"user\">")
            .Append("<option value=\"\">(pick a user)</option>");
        foreach (MemoryUser u in users)
        {
            Option(html, u.UserId, u.UserId + " (" + u.ItemCount.ToString(CultureInfo.InvariantCulture) + ")", filters.User);
        }

        html.Append("</select></label><label>Kind<select name=\"kind\"><option value=\"\">all</option>");
        foreach (string kind in s_kinds)
        {
            Option(html, kind, kind, filters.Kind);
        }

        html.Append("</select></label><label>State<select name=\"state\">");
        Option(html, "all", "all", filters.State.Length == 0 ? "all" : filters.State);
        Option(html, "current", "current", filters.State);
        Option(html, "superseded", "superseded", filters.State);
        html.Append("</select></label><button class=\"primary\" type=\"submit\">Show</button></form>");
        if (error is not null)
        {
            html.Append("<div class=\"error\" role=\"alert\">").Append(Layout.Encode(error)).Append("</div>");
            return html.ToString();
        }

        if (items is null)
        {
            RenderUsers(html, users);
            return html.ToString();
        }

        if (items.Count == 0)
        {
            html.Append("<div class=\"empty\">No memories of this user match these filters.</div>");
            return html.ToString();
        }

        html.Append("<p class=\"muted\">").Append(items.Count.ToString(CultureInfo.InvariantCulture))
            .Append(items.Count == MemoryExplorer.MaxItems ? " items (the newest; narrow the filters to see others)" : " items")
            .Append(", newest valid-from first.</p>");
        html.Append("<table data-testid=\"items\"><thead><tr><th>Valid from (UTC)</th><th>Valid to</th><th>Kind</th><th>Memory</th>")
            .Append("<th>Subject</th><th>State</th><th>Recorded (UTC)</th></tr></thead><tbody>");
        foreach (MemoryItem item in items)
        {
            html.Append("<tr><td class=\"mono\">").Append(Time(item.ValidFrom)).Append("</td><td class=\"mono\">").Append(Time(item.ValidTo))
                .Append("</td><td><span class=\"kind\">").Append(Kind(item.Kind)).Append("</span></td><td><a href=\"/dashboard/memory/items/")
                .Append(Uri.EscapeDataString(item.Id)).Append("\">").Append(Layout.Encode(item.Text)).Append("</a></td><td class=\"mono\">")
                .Append(Layout.Encode(item.Subject is null ? string.Empty : item.Subject + " = " + item.Value)).Append("</td><td")
                .Append(item.IsSuperseded ? " class=\"muted\">superseded" : ">current").Append("</td><td class=\"mono\">")
                .Append(Time(item.RecordedAt)).Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        return html.ToString();
    }

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "\u2014";

    public static string Kind(MemoryKind kind) => kind.ToString().ToLowerInvariant();

    private static void RenderUsers(StringBuilder html, IReadOnlyList<MemoryUser> users)
    {
        if (users.Count == 0)
        {
            html.Append("<div class=\"empty\">No memories in this tenant yet. Remember turns with <code>POST /api/memory/turns</code> or ")
                .Append("<code>myelin memory import</code>.</div>");
            return;
        }

        html.Append("<table data-testid=\"users\"><thead><tr><th>User</th><th>Items</th><th>Last recorded (UTC)</th></tr></thead><tbody>");
        foreach (MemoryUser u in users)
        {
            html.Append("<tr><td><a href=\"/dashboard/memory?user=").Append(Uri.EscapeDataString(u.UserId)).Append("\">")
                .Append(Layout.Encode(u.UserId)).Append("</a></td><td>").Append(u.ItemCount.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td class=\"mono\">").Append(Time(u.LastRecordedAt)).Append("</td></tr>");
        }

        html.Append("</tbody></table>");
    }

    private static void Option(StringBuilder html, string value, string label, string selected) =>
        html.Append("<option value=\"").Append(Layout.Encode(value)).Append('"')
            .Append(string.Equals(value, selected, StringComparison.Ordinal) ? " selected" : string.Empty).Append('>')
            .Append(Layout.Encode(label)).Append("</option>");
}
