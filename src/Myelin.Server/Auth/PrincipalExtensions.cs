using System.Security.Claims;
using Myelin.Core;

namespace Myelin.Server.Auth;

/// <summary>Reads the Myelin principal from an authenticated request.</summary>
public static class PrincipalExtensions
{
    /// <summary>The caller's tenant, role and key id, or null when the request is not authenticated.</summary>
    public static Principal? GetMyelinPrincipal(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        string? tenant = user.FindFirst(ApiKeyDefaults.TenantClaim)?.Value;
        string? role = user.FindFirst(ApiKeyDefaults.RoleClaim)?.Value;
        string? keyId = user.FindFirst(ApiKeyDefaults.KeyIdClaim)?.Value;
        if (tenant is null || role is null || keyId is null || !Enum.TryParse(role, out Role parsed))
        {
            return null;
        }

        return new Principal(new TenantId(tenant), parsed, keyId);
    }

    /// <summary>The caller's principal; only for endpoints that require authorization.</summary>
    public static Principal RequireMyelinPrincipal(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.User.GetMyelinPrincipal()
            ?? throw new InvalidOperationException("Endpoint reached without an authenticated Myelin principal.");
    }
}
