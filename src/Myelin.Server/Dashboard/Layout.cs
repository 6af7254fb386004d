using System.Text;
using System.Text.Encodings.Web;

namespace Myelin.Server.Dashboard;

/// <summary>The dashboard's page frame: header, navigation and styles; everything server-rendered, no external assets.</summary>
internal static class Layout
{
    private const string Styles = """
        :root { --fg:#1b1f24; --muted:#5b6470; --line:#d8dde3; --accent:#3b5bdb; --bg:#f6f7f9; --card:#fff; --bad:#c92a2a; }
        * { box-sizing: border-box; }
        body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
        header { display:flex; align-items:center; gap:24px; padding:10px 24px; background:#111827; color:#fff; }
        header .brand { font-weight:700; letter-spacing:.5px; }
        header nav a { color:#cbd5e1; text-decoration:none; margin-right:16px; }
        header nav a.active, header nav a:hover { color:#fff; }
        header form { margin-left:auto; }
        header button { background:none; border:1px solid #475569; color:#cbd5e1; border-radius:4px; padding:3px 10px; cursor:pointer; }
        main { padding:24px; max-width:1400px; margin:0 auto; }
        h1 { font-size:20px; margin:0 0 16px; }
        .cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(200px,1fr)); gap:12px; margin-bottom:14px; }
        .card { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:12px 14px; }
        .card .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.4px; }
        .card .value { font-size:20px; font-weight:600; margin-top:4px; word-break:break-all; }
        .card .value.small { font-size:13px; font-weight:500; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
        form.filters { display:flex; flex-wrap:wrap; gap:10px; align-items:flex-end; background:var(--card); border:1px solid var(--line); border-radius:6px; padding:12px; margin-bottom:14px; }
        form.filters label { display:flex; flex-direction:column; font-size:12px; color:var(--muted); gap:3px; }
        input, select { font:inherit; padding:4px 6px; border:1px solid var(--line); border-radius:4px; }
        button.primary { background:var(--accent); color:#fff; border:0; border-radius:4px; padding:6px 14px; cursor:pointer; }
        table { width:100%; border-collapse:collapse; background:var(--card); border:1px solid var(--line); }
        th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
        th { background:#eef1f5; font-size:12px; text-transform:uppercase; color:var(--muted); }
        td.mono, code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:12px; }
        pre { margin:0; white-space:pre-wrap; word-break:break-all; }
        .kind.firing { background:#ffe3e3; color:var(--bad); }
        .kind { display:inline-block; padding:1px 6px; border-radius:10px; background:#e7ecff; color:#2f44a8; font-size:12px; }
        .pager { display:flex; gap:12px; margin:12px 0; align-items:center; color:var(--muted); }
        .pager a { color:var(--accent); }
        .error { color:var(--bad); background:#fff5f5; border:1px solid #ffc9c9; padding:8px 12px; border-radius:6px; margin-bottom:12px; }
        .empty { padding:24px; text-align:center; color:var(--muted); background:var(--card); border:1px solid var(--line); }
        .login { max-width:420px; margin:80px auto; background:var(--card); border:1px solid var(--line); border-radius:8px; padding:24px; }
        .login input { width:100%; margin:8px 0 14px; }
        .muted { color:var(--muted); font-size:12px; }
        td.bad, .bad { color:var(--bad); }
        table.waterfall td.timeline { width:35%; min-width:200px; }
        .bar { height:10px; background:var(--accent); border-radius:2px; opacity:.8; }
        .bar.bad { background:var(--bad); }
        table.attrs { margin-top:6px; border:0; }
        table.attrs td { border:0; padding:1px 8px 1px 0; }
        details summary { cursor:pointer; }
        h4 { margin:8px 0 4px; font-size:12px; color:var(--muted); text-transform:uppercase; }
        ol.turns { list-style:none; padding:0; display:flex; flex-direction:column; gap:10px; }
        pre.in { background:#f1f3f5; padding:8px; border-radius:4px; }
        pre.out { background:#eef6ee; padding:8px; border-radius:4px; }
        ol li.self { background:#fff8db; }
        """;

    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    public static IResult Page(string title, string active, string body, int statusCode = 200, bool navigation = true)
    {
        var html = new StringBuilder(4096);
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
        html.Append("<title>").Append(Encode(title)).Append(" \u00b7 Myelin</title><style>").Append(Styles).Append("</style></head><body>");
        html.Append("<header><span class=\"brand\">Myelin</span>");
        if (navigation)
        {
            html.Append("<nav>");
            NavLink(html, "/", "Status", active == "status");
            NavLink(html, "/log", "Log", active == "log");
            NavLink(html, "/traces", "Traces", active == "traces");
            NavLink(html, "/alerts", "Alerts", active == "alerts");
            NavLink(html, "/annotations", "Annotations", active == "annotations");
            NavLink(html, "/dashboard/memory", "Memory", active == "memory");
            html.Append("</nav><form method=\"post\" action=\"/logout\"><button type=\"submit\">Sign out</button></form>");
        }

        html.Append("</header><main>").Append(body).Append("</main></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    private static void NavLink(StringBuilder html, string href, string text, bool active) =>
        html.Append("<a href=\"").Append(href).Append('"').Append(active ? " class=\"active\"" : string.Empty).Append('>').Append(text).Append("</a>");
}
