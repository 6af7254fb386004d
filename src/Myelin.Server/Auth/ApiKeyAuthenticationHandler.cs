using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Server.Http;

namespace Myelin.Server.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> against the key store. The dashboard cookie is accepted for
/// GET and HEAD, and for other methods only with the <c>X-Myelin-Dashboard</c> header the dashboard's own scripts send:
/// a cross-site form cannot set a header, and a cross-site script would need a CORS preflight the server never grants,
/// so no other site can write with a browser's stored key (the cookie is also SameSite=Strict).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IMyelinStorage storage)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string FailureItem = "myelin:auth-failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? key = ReadKey();
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        Principal? principal = await storage.ApiKeys.AuthenticateAsync(key, Context.RequestAborted).ConfigureAwait(false);
        if (principal is null)
        {
            Context.Items[FailureItem] = true;
            return AuthenticateResult.Fail("The API key is malformed, unknown or revoked.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ApiKeyDefaults.TenantClaim, principal.Tenant.Value),
                new Claim(ApiKeyDefaults.RoleClaim, principal.Role.ToString()),
                new Claim(ApiKeyDefaults.KeyIdClaim, principal.KeyId),
            ],
            ApiKeyDefaults.Scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiKeyDefaults.Scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        bool invalid = Context.Items.ContainsKey(FailureItem);
        Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.WriteAsync(
            Context,
            StatusCodes.Status401Unauthorized,
            invalid ? "invalid_api_key" : "missing_api_key",
            invalid ? "The API key is malformed, unknown or revoked." : "Send an API key as 'Authorization: Bearer <key>'.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(
            Context,
            StatusCodes.Status403Forbidden,
            "forbidden",
            "This API key's role does not allow this operation.");

    private string? ReadKey()
    {
        string? header = Request.Headers.Authorization;
        if (!string.IsNullOrEmpty(header))
        {
            const string Bearer = "Bearer ";
            return header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? header[Bearer.Length..].Trim() : header.Trim();
        }

        if (HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method) || Request.Headers.ContainsKey(ApiKeyDefaults.DashboardHeader))
        {
            return Request.Cookies[ApiKeyDefaults.CookieName];
        }

        return null;
    }
}
