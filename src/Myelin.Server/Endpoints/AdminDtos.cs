using Myelin.Core;
using Myelin.Core.Tenancy;

namespace Myelin.Server.Endpoints;

/// <summary>Body of <c>POST /api/keys</c>.</summary>
/// <param name="Name">A label for the key.</param>
/// <param name="Role">reader, writer or admin.</param>
/// <param name="Tenant">The tenant to create it in; only the operator may name a tenant other than their own.</param>
public sealed record CreateKeyRequest(string? Name, string? Role, string? Tenant);

/// <summary>A key as listed (never its secret).</summary>
/// <param name="KeyId">Public id.</param>
/// <param name="Tenant">Tenant.</param>
/// <param name="Name">Label.</param>
/// <param name="Role">Role.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="RevokedAt">Revocation time, if revoked.</param>
public sealed record KeyOutput(string KeyId, string Tenant, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    /// <summary>Converts stored key info.</summary>
    public static KeyOutput From(ApiKeyInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return new(info.KeyId, info.Tenant.Value, info.Name, RoleNames.Format(info.Role), info.CreatedAt, info.RevokedAt);
    }
}

/// <summary>Answer to <c>POST /api/keys</c>: the secret is shown this once.</summary>
/// <param name="Key">The stored description.</param>
/// <param name="Secret">The full key to send as a bearer token.</param>
public sealed record CreatedKeyOutput(KeyOutput Key, string Secret);

/// <summary>Body of <c>POST /api/tenants</c>.</summary>
/// <param name="Id">Tenant id.</param>
/// <param name="DisplayName">Human-readable name.</param>
public sealed record CreateTenantRequest(string? Id, string? DisplayName);

/// <summary>A tenant.</summary>
/// <param name="Id">Tenant id.</param>
/// <param name="DisplayName">Display name.</param>
/// <param name="CreatedAt">Creation time.</param>
public sealed record TenantOutput(string Id, string DisplayName, DateTimeOffset CreatedAt)
{
    /// <summary>Converts a stored tenant.</summary>
    public static TenantOutput From(Tenant tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return new(tenant.Id.Value, tenant.DisplayName, tenant.CreatedAt);
    }
}

/// <summary>Answer to <c>GET /api/status</c>.</summary>
/// <param name="Version">Server version.</param>
/// <param name="Tenant">The caller's tenant.</param>
/// <param name="Role">The caller's role.</param>
/// <param name="Storage">Storage provider name.</param>
/// <param name="Location">Where the data lives.</param>
/// <param name="SchemaVersion">Applied schema version.</param>
/// <param name="UptimeSeconds">Seconds since start.</param>
/// <param name="LogRecords">Records in the tenant's log.</param>
/// <param name="ApiKeys">Active keys of the tenant.</param>
/// <param name="Blobs">Blobs the tenant references.</param>
/// <param name="BlobBytes">Their total size.</param>
public sealed record StatusOutput(
    string Version, string Tenant, string Role, string Storage, string Location, int SchemaVersion, double UptimeSeconds,
    long LogRecords, long ApiKeys, long Blobs, long BlobBytes);

/// <summary>Parses and formats roles as lower-case words.</summary>
public static class RoleNames
{
    /// <summary>The wire name of a role.</summary>
    public static string Format(Role role) => role.ToString().ToLowerInvariant();

    /// <summary>Parses reader/writer/admin; throws a validation error otherwise.</summary>
    public static Role Parse(string? text) => text?.ToLowerInvariant() switch
    {
        "reader" => Role.Reader,
        "writer" => Role.Writer,
        "admin" => Role.Admin,
        _ => throw new MyelinValidationException("invalid_role", $"'role' must be reader, writer or admin, got '{text}'."),
    };
}
