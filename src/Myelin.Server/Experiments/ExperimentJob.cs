using Myelin.Core;
using Myelin.Evals.Experiments;

namespace Myelin.Server.Experiments;

/// <summary>One experiment run started over HTTP: its progress while it runs and its outcome after.</summary>
/// <remarks>Thread-safe: the runner reports progress from worker threads while requests read snapshots.</remarks>
public sealed class ExperimentJob : IProgress<ExperimentProgress>
{
    private readonly Lock _gate = new();
    private ExperimentJobState _state = ExperimentJobState.Queued;
    private int _completed;
    private int _failed;
    private ExperimentRun? _run;
    private string? _error;
    private DateTimeOffset? _finishedAt;

    internal ExperimentJob(string id, TenantId tenant, string dataset, string datasetVersion, int total, DateTimeOffset createdAt)
    {
        Id = id;
        Tenant = tenant;
        Dataset = dataset;
        DatasetVersion = datasetVersion;
        Total = total;
        CreatedAt = createdAt;
    }

    /// <summary>The job id.</summary>
    public string Id { get; }

    /// <summary>The tenant that started it; only that tenant sees it.</summary>
    public TenantId Tenant { get; }

    /// <summary>The dataset name.</summary>
    public string Dataset { get; }

    /// <summary>The dataset version id.</summary>
    public string DatasetVersion { get; }

    /// <summary>Items in the run.</summary>
    public int Total { get; }

    /// <summary>When the job was accepted.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>A consistent copy of the job's state.</summary>
    public ExperimentJobSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new ExperimentJobSnapshot(
                Id, _state, _completed, Total, _failed, Dataset, DatasetVersion, _run?.Id, _error, CreatedAt, _finishedAt,
                _run?.Summaries());
        }
    }

    /// <inheritdoc />
    public void Report(ExperimentProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            _completed = Math.Max(_completed, value.Completed);
            _failed += value.Failed ? 1 : 0;
        }
    }

    internal void Start()
    {
        lock (_gate)
        {
            _state = ExperimentJobState.Running;
        }
    }

    internal void Succeed(ExperimentRun run, DateTimeOffset at)
    {
        lock (_gate)
        {
            _run = run;
            _state = ExperimentJobState.Succeeded;
            _finishedAt = at;
        }
    }

    internal void Fail(string error, DateTimeOffset at)
    {
        lock (_gate)
        {
            _error = error;
            _state = ExperimentJobState.Failed;
            _finishedAt = at;
        }
    }
}
