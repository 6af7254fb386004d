using System.Collections.Concurrent;
using Myelin.Core;
using Myelin.Evals.Experiments;
using Myelin.Evals.Judges;

namespace Myelin.Server.Experiments;

/// <summary>
/// Runs experiments in the background: a started run reports progress per item and, when it finishes, is stored with
/// <see cref="IExperimentStore"/>. Jobs live in memory (a restart forgets running and finished jobs; stored runs stay).
/// </summary>
/// <remarks>
/// Thread-safe. Each tenant may have <see cref="MaxActivePerTenant"/> unfinished jobs; the newest
/// <see cref="MaxKept"/> jobs are kept. Disposing cancels running jobs and waits for them, so the stores they write to are
/// not closed under them.
/// </remarks>
public sealed partial class ExperimentJobs : IAsyncDisposable
{
    /// <summary>Unfinished jobs allowed per tenant.</summary>
    public const int MaxActivePerTenant = 2;

    /// <summary>Jobs remembered (finished ones beyond this are forgotten oldest first).</summary>
    public const int MaxKept = 500;

    private readonly ConcurrentDictionary<string, ExperimentJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _admit = new();
    private readonly IExperimentStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the runner over the store runs are saved to.</summary>
    /// <remarks>Takes the judge cache too, so the container (which disposes in reverse order of creation) closes it after the jobs.</remarks>
    public ExperimentJobs(IExperimentStore store, IJudgeCache judgeCache, TimeProvider time, ILogger<ExperimentJobs> logger)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        JudgeCache = judgeCache ?? throw new ArgumentNullException(nameof(judgeCache));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The judge cache runs use.</summary>
    public IJudgeCache JudgeCache { get; }

    /// <summary>The tenant's job.</summary>
    /// <exception cref="MyelinNotFoundException">No such job for this tenant.</exception>
    public ExperimentJob Get(TenantId tenant, string id) =>
        _jobs.TryGetValue(id, out ExperimentJob? job) && job.Tenant == tenant
            ? job
            : throw new MyelinNotFoundException("run_not_found", $"No experiment job '{id}'; jobs are kept in memory until the server restarts.");

    /// <summary>Accepts a run and starts it in the background.</summary>
    /// <exception cref="MyelinConflictException">The tenant already has <see cref="MaxActivePerTenant"/> unfinished jobs.</exception>
    internal ExperimentJob Start(TenantId tenant, ExperimentPlan plan)
    {
        ExperimentJob job;
        lock (_admit)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            int active = _jobs.Values.Count(j => j.Tenant == tenant && j.Snapshot().State is ExperimentJobState.Queued or ExperimentJobState.Running);
            if (active >= MaxActivePerTenant)
            {
                throw new MyelinConflictException(
                    "too_many_runs", $"This tenant already has {active} experiment runs in progress; wait for one to finish.");
            }

            DateTimeOffset now = _time.GetUtcNow();
            job = new ExperimentJob(Guid.CreateVersion7(now).ToString("N"), tenant, plan.Version.Dataset, plan.Version.Id, plan.Items.Count, now);
            _jobs[job.Id] = job;
            Trim();
            _running[job.Id] = Task.Run(() => RunAsync(job, plan, _stopping.Token));
        }

        return job;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        lock (_admit)
        {
            _stopping.Cancel();
        }

        await Task.WhenAll(_running.Values).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync(ExperimentJob job, ExperimentPlan plan, CancellationToken cancellationToken)
    {
        try
        {
            job.Start();
            plan.Options.Progress = job;
            ExperimentRun run = await ExperimentRunner.RunAsync(
                plan.Version.Dataset, plan.Version.Id, plan.Items, plan.Target, plan.Prompt, plan.Evaluators, plan.Options, cancellationToken).ConfigureAwait(false);
            await _store.SaveAsync(job.Tenant, run, cancellationToken).ConfigureAwait(false);
            job.Succeed(run, _time.GetUtcNow());
            LogFinished(_logger, job.Id, job.Tenant.Value, run.Id, run.Items.Count, run.TargetFailures);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            job.Fail("The server shut down before the run finished; nothing was stored.", _time.GetUtcNow());
        }
        catch (Exception e)
        {
            // Evaluator and store failures end the job with the reason; the server keeps running.
            LogFailed(_logger, job.Id, job.Tenant.Value, e);
            job.Fail($"{e.GetType().Name}: {e.Message}", _time.GetUtcNow());
        }
        finally
        {
            foreach (IDisposable owned in plan.Owned)
            {
                owned.Dispose();
            }

            _running.TryRemove(job.Id, out _);
        }
    }

    private void Trim()
    {
        if (_jobs.Count <= MaxKept)
        {
            return;
        }

        foreach (ExperimentJob old in _jobs.Values
            .Where(j => j.Snapshot().State is ExperimentJobState.Succeeded or ExperimentJobState.Failed)
            .OrderBy(j => j.CreatedAt)
            .Take(_jobs.Count - MaxKept))
        {
            _jobs.TryRemove(old.Id, out _);
        }
    }

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Experiment job {Job} of tenant {Tenant} stored run {Run}: {Items} items, {Failures} target failures")]
    private static partial void LogFinished(ILogger logger, string job, string tenant, string run, int items, int failures);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Error, Message = "Experiment job {Job} of tenant {Tenant} failed")]
    private static partial void LogFailed(ILogger logger, string job, string tenant, Exception exception);
}
