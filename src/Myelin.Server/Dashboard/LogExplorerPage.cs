using System.Globalization;
using System.Text;
using Myelin.Core.Log;

namespace Myelin.Server.Dashboard;

/// <summary>Renders the log explorer: filters by kind, time and ids; newest first, paged by offset.</summary>
internal static class LogExplorerPage
{
    public const int PayloadPreviewChars = 240;

    /// <summary>The filter values as typed, echoed back into the form.</summary>
    public sealed record Filters(string Kind, string From, string To, string TraceId, string SessionId, string EpisodeId, int Limit, long? Before);

    public static Filters ReadFilters(IQueryCollection query)
    {
        int limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out int l) ? l : 50;
        long? before = long.TryParse(query["before"], NumberStyles.None, CultureInfo.InvariantCulture, out long b) ? b : null;
        return new Filters(
            query["kind"].ToString(), query["from"].ToString(), query["to"].ToString(), query["traceId"].ToString(),
            query["sessionId"].ToString(), query["episodeId"].ToString(), limit, before);
    }

    /// <summary>Builds the query; throws <see cref="Core.MyelinValidationException"/> for bad filters.</summary>
    public static LogQuery ToQuery(Filters filters) => new LogQuery
    {
        Kinds = string.IsNullOrEmpty(filters.Kind) ? [] : [filters.Kind],
        From = ParseTime(filters.From, "from"),
        To = ParseTime(filters.To, "to"),
        TraceId = NullIfEmpty(filters.TraceId),
        SessionId = NullIfEmpty(filters.SessionId),
        EpisodeId = NullIfEmpty(filters.EpisodeId),
        Limit = filters.Limit,
        BeforeOffset = filters.Before,
        Descending = true,
    };

    public static string Render(Filters filters, IReadOnlyList<ExperienceRecord> records, long matching, string? error)
    {
        var html = new StringBuilder(8192);
        html.Append("<h1>Log explorer</h1>");
        RenderForm(html, filters);
        if (error is not null)
        {
            html.Append("<div class=\"error\" role=\"alert\">").Append(Layout.Encode(error)).Append("</div>");
            return html.ToString();
        }

        html.Append("<div class=\"pager\"><span data-testid=\"matching\">")
            .Append(matching.ToString("N0", CultureInfo.InvariantCulture)).Append(" matching records</span>");
        if (filters.Before is not null)
        {
            html.Append("<a href=\"").Append(Link(filters, before: null)).Append("\">Newest</a>");
        }

        if (records.Count == filters.Limit && records[^1].Offset > 1)
        {
            html.Append("<a data-testid=\"older\" href=\"").Append(Link(filters, records[^1].Offset)).Append("\">Older \u2192</a>");
        }

        html.Append("</div>");
        if (records.Count == 0)
        {
            html.Append("<div class=\"empty\">No records match these filters.</div>");
            return html.ToString();
        }

        html.Append("<table data-testid=\"records\"><thead><tr><th>Offset</th><th>Time (UTC)</th><th>Kind</th><th>Trace</th><th>Session</th><th>Episode</th><th>Payload</th></tr></thead><tbody>");
        foreach (ExperienceRecord record in records)
        {
            html.Append("<tr><td class=\"mono\">").Append(record.Offset.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td class=\"mono\">").Append(record.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture))
                .Append("</td><td><span class=\"kind\">").Append(Layout.Encode(record.Kind)).Append("</span></td>");
            IdCell(html, filters, "traceId", record.TraceId);
            IdCell(html, filters, "sessionId", record.SessionId);
            IdCell(html, filters, "episodeId", record.EpisodeId);
            html.Append("<td>");
            if (record.PayloadJson.Length > PayloadPreviewChars)
            {
                html.Append("<details><summary><code>").Append(Layout.Encode(record.PayloadJson[..PayloadPreviewChars])).Append("\u2026</code></summary><pre>")
                    .Append(Layout.Encode(record.PayloadJson)).Append("</pre></details>");
            }
            else
            {
                html.Append("<code>").Append(Layout.Encode(record.PayloadJson)).Append("</code>");
            }

            html.Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        return html.ToString();
    }

    private static void RenderForm(StringBuilder html, Filters filters)
    {
        html.Append("<form class=\"filters\" method=\"get\" action=\"/log\"><label>Kind<select name=\"kind\"><option value=\"\">any</option>");
        foreach (string kind in ExperienceKinds.BuiltIn.Order(StringComparer.Ordinal))
        {
            html.Append("<option").Append(kind == filters.Kind ? " selected" : string.Empty).Append('>').Append(kind).Append("</option>");
        }

        if (filters.Kind.Length > 0 && !ExperienceKinds.BuiltIn.Contains(filters.Kind))
        {
            html.Append("<option selected>").Append(Layout.Encode(filters.Kind)).Append("</option>");
        }

        html.Append("</select></label>");
        Input(html, "From (UTC)", "from", filters.From, "datetime-local");
        Input(html, "To (UTC)", "to", filters.To, "datetime-local");
        Input(html, "Trace id", "traceId", filters.TraceId, "text");
        Input(html, "Session id", "sessionId", filters.SessionId, "text");
        Input(html, "Episode id", "episodeId", filters.EpisodeId, "text");
        Input(html, "Page size", "limit", filters.Limit.ToString(CultureInfo.InvariantCulture), "number");
        html.Append("<button class=\"primary\" type=\"submit\">Filter</button> <a href=\"/log\">Clear</a></form>");
    }

    private static void Input(StringBuilder html, string label, string name, string value, string type) =>
        html.Append("<label>").Append(label).Append("<input type=\"").Append(type).Append("\" name=\"").Append(name)
            .Append("\" value=\"").Append(Layout.Encode(value)).Append("\"").Append(type == "datetime-local" ? " step=\"1\"" : string.Empty).Append("></label>");

    private static void IdCell(StringBuilder html, Filters filters, string name, string? id)
    {
        html.Append("<td class=\"mono\">");
        if (id is not null)
        {
            Filters narrowed = name switch
            {
                "traceId" => filters with { TraceId = id, Before = null },
                "sessionId" => filters with { SessionId = id, Before = null },
                _ => filters with { EpisodeId = id, Before = null },
            };
            html.Append("<a href=\"").Append(Link(narrowed, null)).Append("\">").Append(Layout.Encode(id)).Append("</a>");
        }

        html.Append("</td>");
    }

    private static string Link(Filters filters, long? before)
    {
        var parts = new List<string>();
        void Add(string name, string value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("kind", filters.Kind);
        Add("from", filters.From);
        Add("to", filters.To);
        Add("traceId", filters.TraceId);
        Add("sessionId", filters.SessionId);
        Add("episodeId", filters.EpisodeId);
        Add("limit", filters.Limit.ToString(CultureInfo.InvariantCulture));
        if (before is { } b)
        {
            Add("before", b.ToString(CultureInfo.InvariantCulture));
        }

        return Layout.Encode("/log?" + string.Join('&', parts));
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static DateTimeOffset? ParseTime(string text, string name)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTime value))
        {
            return new DateTimeOffset(value, TimeSpan.Zero);
        }

        throw new Core.MyelinValidationException("invalid_time", $"'{name}' is not a date and time: '{text}'.");
    }
}
