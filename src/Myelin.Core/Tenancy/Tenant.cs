namespace Myelin.Core.Tenancy;

/// <summary>A tenant: an isolated space of records, keys, memories and models.</summary>
/// <param name="Id">The tenant id.</param>
/// <param name="DisplayName">A human-readable name.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record Tenant(TenantId Id, string DisplayName, DateTimeOffset CreatedAt);
