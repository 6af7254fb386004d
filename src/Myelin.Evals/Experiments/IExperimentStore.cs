using Myelin.Core;

namespace Myelin.Evals.Experiments;

/// <summary>Stored experiment runs.</summary>
/// <remarks>Thread-safe; tenant-scoped rows; a run is written in one transaction.</remarks>
public interface IExperimentStore
{
    /// <summary>Stores a finished run.</summary>
    /// <exception cref="MyelinConflictException">A run with that id exists.</exception>
    Task SaveAsync(TenantId tenant, ExperimentRun run, CancellationToken cancellationToken = default);

    /// <summary>Loads a run with all its items.</summary>
    /// <exception cref="MyelinNotFoundException">No such run.</exception>
    Task<ExperimentRun> GetAsync(TenantId tenant, string runId, CancellationToken cancellationToken = default);

    /// <summary>Lists runs (without items), newest first, optionally of one dataset.</summary>
    Task<IReadOnlyList<ExperimentRun>> ListAsync(TenantId tenant, string? dataset = null, CancellationToken cancellationToken = default);
}
