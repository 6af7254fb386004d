namespace Myelin.Core.Tenancy;

/// <summary>Stores tenants. Thread-safe.</summary>
public interface ITenantStore
{
    /// <summary>Creates a tenant.</summary>
    /// <exception cref="MyelinConflictException">A tenant with that id exists.</exception>
    /// <exception cref="MyelinValidationException">The display name is empty or longer than 200 characters.</exception>
    Task<Tenant> CreateAsync(TenantId id, string displayName, CancellationToken cancellationToken = default);

    /// <summary>The tenant, or null when it does not exist.</summary>
    Task<Tenant?> GetAsync(TenantId id, CancellationToken cancellationToken = default);

    /// <summary>All tenants, ordered by id.</summary>
    Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken = default);
}
