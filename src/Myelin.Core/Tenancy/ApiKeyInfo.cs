namespace Myelin.Core.Tenancy;

/// <summary>What is stored about an API key: never its secret, only a hash of it.</summary>
/// <param name="KeyId">The key's public id, shown in listings and used to revoke it; it is not part of the secret.</param>
/// <param name="Tenant">The tenant the key belongs to.</param>
/// <param name="Name">A label chosen by its creator.</param>
/// <param name="Role">What the key may do.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RevokedAt">When it was revoked, or null while active.</param>
public sealed record ApiKeyInfo(string KeyId, TenantId Tenant, string Name, Role Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A newly created key: <see cref="Secret"/> is the full credential and is shown only once.</summary>
/// <param name="Info">The stored description.</param>
/// <param name="Secret">The full key to present as <c>Authorization: Bearer &lt;key&gt;</c>.</param>
public sealed record CreatedApiKey(ApiKeyInfo Info, string Secret);
