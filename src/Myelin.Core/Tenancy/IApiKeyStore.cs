namespace Myelin.Core.Tenancy;

/// <summary>Stores API keys as hashes and authenticates presented keys. Thread-safe.</summary>
/// <remarks>Key format and hashing are defined once in <see cref="ApiKeyFormat"/> so every provider agrees.</remarks>
public interface IApiKeyStore
{
    /// <summary>Creates a random key for the tenant; the result's secret is returned once and never stored.</summary>
    /// <exception cref="MyelinNotFoundException">The tenant does not exist.</exception>
    /// <exception cref="MyelinValidationException">The name is empty or longer than 200 characters.</exception>
    Task<CreatedApiKey> CreateAsync(TenantId tenant, string name, Role role, CancellationToken cancellationToken = default);

    /// <summary>Stores a key whose full text the operator chose (the bootstrap <c>MYELIN_ADMIN_KEY</c>); idempotent for the same text.</summary>
    /// <exception cref="MyelinValidationException">The key text is not in <see cref="ApiKeyFormat"/> form.</exception>
    Task<ApiKeyInfo> ImportAsync(TenantId tenant, string name, Role role, string fullKey, CancellationToken cancellationToken = default);

    /// <summary>The principal for an active key, or null for a malformed, unknown or revoked key.</summary>
    Task<Principal?> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken = default);

    /// <summary>The tenant's keys, newest first.</summary>
    Task<IReadOnlyList<ApiKeyInfo>> ListAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>Revokes a key of the tenant. Returns false when the tenant has no such active key.</summary>
    Task<bool> RevokeAsync(TenantId tenant, string keyId, CancellationToken cancellationToken = default);
}
