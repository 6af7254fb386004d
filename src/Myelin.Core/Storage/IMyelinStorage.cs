using Myelin.Core.Blobs;
using Myelin.Core.Log;
using Myelin.Core.Tenancy;

namespace Myelin.Core.Storage;

/// <summary>One storage provider: the experience log, checkpoints, tenants, keys and blobs on one backend.</summary>
/// <remarks>
/// <para>Create through the provider's factory, call <see cref="MigrateAsync"/> once at start (it applies versioned
/// schema migrations and is safe to call concurrently from several processes), then share the instance: it is thread-safe.</para>
/// <para>Every provider passes the same conformance suite (<c>Myelin.Conformance</c>).</para>
/// </remarks>
public interface IMyelinStorage : IAsyncDisposable
{
    /// <summary>The provider's name: <c>sqlite</c> or <c>postgres</c>.</summary>
    string Provider { get; }

    /// <summary>The experience log.</summary>
    IExperienceLog Log { get; }

    /// <summary>Consumer checkpoints over the log.</summary>
    ICheckpointStore Checkpoints { get; }

    /// <summary>Tenants.</summary>
    ITenantStore Tenants { get; }

    /// <summary>API keys.</summary>
    IApiKeyStore ApiKeys { get; }

    /// <summary>Content-addressed blobs.</summary>
    IBlobStore Blobs { get; }

    /// <summary>Applies pending schema migrations and ensures the <see cref="TenantId.Default"/> tenant exists.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Counts for the status page.</summary>
    Task<StorageStats> GetStatsAsync(TenantId tenant, CancellationToken cancellationToken = default);
}
