using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Core.Tenancy;

namespace Myelin.Hosting;

/// <summary>Makes sure an installation has an admin key for the <see cref="TenantId.Default"/> tenant.</summary>
public static class AdminKeyBootstrap
{
    /// <summary>The name given to the bootstrap key.</summary>
    public const string KeyName = "bootstrap-admin";

    /// <summary>
    /// Imports <paramref name="adminKey"/> when given; otherwise, when the default tenant has no active admin key, creates one
    /// and returns it so the caller can print it once. Returns null when nothing new must be shown.
    /// </summary>
    public static async Task<string?> EnsureAsync(IMyelinStorage storage, string? adminKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (adminKey is not null)
        {
            await storage.ApiKeys.ImportAsync(TenantId.Default, KeyName, Role.Admin, adminKey, cancellationToken).ConfigureAwait(false);
            return null;
        }

        IReadOnlyList<ApiKeyInfo> keys = await storage.ApiKeys.ListAsync(TenantId.Default, cancellationToken).ConfigureAwait(false);
        if (keys.Any(k => k.Role == Role.Admin && k.RevokedAt is null))
        {
            return null;
        }

        CreatedApiKey created = await storage.ApiKeys.CreateAsync(TenantId.Default, KeyName, Role.Admin, cancellationToken).ConfigureAwait(false);
        return created.Secret;
    }
}
