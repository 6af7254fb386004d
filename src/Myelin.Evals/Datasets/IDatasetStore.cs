using Myelin.Core;

namespace Myelin.Evals.Datasets;

/// <summary>Versioned golden datasets of the evals room.</summary>
/// <remarks>
/// Thread-safe. Every row carries its tenant and every call is scoped by the tenant argument, which callers take from the
/// credential. Versions are immutable and content-addressed: adding items identical to an existing version returns that
/// version. A version is written in one transaction, so a failed add leaves nothing behind.
/// </remarks>
public interface IDatasetStore : IAsyncDisposable
{
    /// <summary>Creates a dataset.</summary>
    /// <exception cref="MyelinValidationException">The name or description is invalid.</exception>
    /// <exception cref="MyelinConflictException">A dataset of that name exists.</exception>
    Task<DatasetInfo> CreateAsync(TenantId tenant, string name, string? description = null, CancellationToken cancellationToken = default);

    /// <summary>Lists the tenant's datasets by name.</summary>
    Task<IReadOnlyList<DatasetInfo>> ListAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>Gets one dataset.</summary>
    /// <exception cref="MyelinNotFoundException">No such dataset.</exception>
    Task<DatasetInfo> GetAsync(TenantId tenant, string name, CancellationToken cancellationToken = default);

    /// <summary>Adds a version holding <paramref name="items"/> (validated and normalised by <see cref="DatasetCanonical.Normalize"/>).</summary>
    /// <exception cref="MyelinValidationException">An item is invalid.</exception>
    /// <exception cref="MyelinNotFoundException">No such dataset.</exception>
    Task<DatasetVersionAdded> AddVersionAsync(
        TenantId tenant, string name, IReadOnlyList<DatasetItem> items, CancellationToken cancellationToken = default);

    /// <summary>Lists a dataset's versions, oldest first.</summary>
    /// <exception cref="MyelinNotFoundException">No such dataset.</exception>
    Task<IReadOnlyList<DatasetVersion>> ListVersionsAsync(TenantId tenant, string name, CancellationToken cancellationToken = default);

    /// <summary>Gets a version by id, by number (<c>3</c> or <c>v3</c>) or <c>latest</c>.</summary>
    /// <exception cref="MyelinNotFoundException">No such dataset or version.</exception>
    Task<DatasetVersion> GetVersionAsync(TenantId tenant, string name, string version, CancellationToken cancellationToken = default);

    /// <summary>The items of a version, in order.</summary>
    /// <exception cref="MyelinNotFoundException">No such dataset or version.</exception>
    Task<IReadOnlyList<DatasetItem>> GetItemsAsync(TenantId tenant, string name, string version, CancellationToken cancellationToken = default);
}
