using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Core.Storage;
using Myelin.Server.Auth;
using Myelin.Server.Endpoints;

namespace Myelin.Server.Dashboard;

/// <summary>The server-rendered dashboard: sign-in with an API key, status, and the log explorer.</summary>
public static class DashboardEndpoints
{
    /// <summary>Maps <c>/</c>, <c>/log</c>, <c>/traces</c>, <c>/sessions</c>, <c>/alerts</c>, <c>/annotations</c>, <c>/dashboard/memory</c>, <c>/login</c> and <c>/logout</c>.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", StatusAsync).ExcludeFromDescription();
        routes.MapGet("/log", LogAsync).ExcludeFromDescription();
        routes.MapGet("/traces", TraceExplorer.ListAsync).ExcludeFromDescription();
        routes.MapGet("/traces/{traceId}", TraceExplorer.TraceAsync).ExcludeFromDescription();
        routes.MapGet("/sessions/{sessionId}", TraceExplorer.SessionAsync).ExcludeFromDescription();
        routes.MapGet("/alerts", MonitoringPages.AlertsAsync).ExcludeFromDescription();
        routes.MapGet("/annotations", MonitoringPages.AnnotationsAsync).ExcludeFromDescription();
        routes.MapGet("/dashboard/memory", MemoryExplorer.ListAsync).ExcludeFromDescription();
        routes.MapGet("/dashboard/memory/items/{id}", MemoryExplorer.ItemAsync).ExcludeFromDescription();
        routes.MapGet("/login", (string? error) => LoginPage(error is null ? null : "That key is malformed, unknown or revoked.")).ExcludeFromDescription();
        routes.MapPost("/login", LoginAsync).ExcludeFromDescription();
        routes.MapPost("/logout", Logout).ExcludeFromDescription();
        return routes;
    }

    private static async Task<IResult> StatusAsync(HttpContext context, IMyelinStorage storage, ServerInfo info)
    {
        if (context.User.GetMyelinPrincipal() is not { } caller)
        {
            return Results.Redirect("/login");
        }

        StatusOutput status = await StatusApi.GetAsync(caller, storage, info, context.RequestAborted).ConfigureAwait(false);
        return Layout.Page("Status", "status", StatusPage.Render(status));
    }

    private static async Task<IResult> LogAsync(HttpContext context, IMyelinStorage storage)
    {
        if (context.User.GetMyelinPrincipal() is not { } caller)
        {
            return Results.Redirect("/login");
        }

        LogExplorerPage.Filters filters = LogExplorerPage.ReadFilters(context.Request.Query);
        try
        {
            LogQuery query = LogExplorerPage.ToQuery(filters);
            query.Validate();
            IReadOnlyList<ExperienceRecord> records = await storage.Log.QueryAsync(caller.Tenant, query, context.RequestAborted).ConfigureAwait(false);
            long matching = await storage.Log.CountAsync(caller.Tenant, query with { BeforeOffset = null }, context.RequestAborted).ConfigureAwait(false);
            return Layout.Page("Log", "log", LogExplorerPage.Render(filters, records, matching, null));
        }
        catch (MyelinValidationException ex)
        {
            return Layout.Page("Log", "log", LogExplorerPage.Render(filters, [], 0, ex.Message), StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> LoginAsync(HttpContext context, IMyelinStorage storage)
    {
        if (!context.Request.HasFormContentType)
        {
            return LoginPage("Submit the sign-in form.", StatusCodes.Status400BadRequest);
        }

        IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        string key = form["key"].ToString().Trim();
        Principal? principal = key.Length == 0 ? null : await storage.ApiKeys.AuthenticateAsync(key, context.RequestAborted).ConfigureAwait(false);
        if (principal is null)
        {
            return LoginPage("That key is malformed, unknown or revoked.", StatusCodes.Status401Unauthorized);
        }

        context.Response.Cookies.Append(ApiKeyDefaults.CookieName, key, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            MaxAge = TimeSpan.FromHours(12),
        });
        return Results.Redirect("/", permanent: false, preserveMethod: false);
    }

    private static IResult Logout(HttpContext context)
    {
        context.Response.Cookies.Delete(ApiKeyDefaults.CookieName);
        return Results.Redirect("/login");
    }

    private static IResult LoginPage(string? error, int status = StatusCodes.Status200OK)
    {
        string body = "<div class=\"login\"><h1>Sign in</h1><p>Paste an API key. It is kept in an HTTP-only cookie for this browser.</p>"
            + (error is null ? string.Empty : "<div class=\"error\" role=\"alert\">" + Layout.Encode(error) + "</div>")
            + "<form method=\"post\" action=\"/login\"><label for=\"key\">API key</label><input id=\"key\" name=\"key\" type=\"password\" autocomplete=\"off\" required>"
            + "<button class=\"primary\" type=\"submit\">Sign in</button></form></div>";
        return Layout.Page("Sign in", "login", body, status, navigation: false);
    }
}
