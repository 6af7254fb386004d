using System.Diagnostics;
using Microsoft.Extensions.AI;
using Myelin.Core;
using Myelin.Evals.Datasets;
using Myelin.Evals.Evaluators;

namespace Myelin.Evals.Experiments;

/// <summary>Runs a dataset version through a target (<see cref="IChatClient"/> + <see cref="PromptTemplate"/>) and scores every answer.</summary>
/// <remarks>
/// Thread-safe and stateless. Items run with bounded concurrency; results keep dataset order. A failing target call is
/// recorded on its item (with the exception message) and the run goes on; cancellation stops the run and throws.
/// </remarks>
public static class ExperimentRunner
{
    /// <summary>Runs and scores the items.</summary>
    /// <param name="dataset">The dataset name.</param>
    /// <param name="version">The dataset version id the items come from.</param>
    /// <param name="items">The items, as stored (each with an id).</param>
    /// <param name="target">The system under test (not owned).</param>
    /// <param name="prompt">How an item becomes messages.</param>
    /// <param name="evaluators">How answers are scored.</param>
    /// <param name="options">Concurrency, progress, chat options; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <exception cref="ArgumentException">Arguments are missing or the concurrency is out of range.</exception>
    public static async Task<ExperimentRun> RunAsync(
        string dataset,
        string version,
        IReadOnlyList<DatasetItem> items,
        IChatClient target,
        PromptTemplate prompt,
        IReadOnlyList<IEvaluator> evaluators,
        ExperimentOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataset);
        ArgumentException.ThrowIfNullOrEmpty(version);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(evaluators);
        options ??= new ExperimentOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxConcurrency, 64);
        IReadOnlyList<DatasetItem> normalized = DatasetCanonical.Normalize(items);
        TimeProvider time = options.TimeProvider ?? TimeProvider.System;
        DateTimeOffset started = time.GetUtcNow();
        var results = new ExperimentItemResult[normalized.Count];
        int completed = 0;
        var evaluation = new EvaluationOptions { Tenant = options.Tenant ?? TenantId.Default };
        await Parallel.ForEachAsync(
            Enumerable.Range(0, normalized.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.MaxConcurrency, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                ExperimentItemResult result = await RunItemAsync(normalized[index], target, prompt, evaluators, options.ChatOptions, evaluation, token)
                    .ConfigureAwait(false);
                results[index] = result;
                int done = Interlocked.Increment(ref completed);
                options.Progress?.Report(new ExperimentProgress(done, normalized.Count, result.ItemId, result.Error is not null));
            }).ConfigureAwait(false);

        return new ExperimentRun(Guid.CreateVersion7(started).ToString("N"), options.Name, dataset, version, started, time.GetUtcNow(), results);
    }

    private static async Task<ExperimentItemResult> RunItemAsync(
        DatasetItem item,
        IChatClient target,
        PromptTemplate prompt,
        IReadOnlyList<IEvaluator> evaluators,
        ChatOptions? chatOptions,
        EvaluationOptions evaluation,
        CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        string output;
        try
        {
            ChatResponse response = await target.GetResponseAsync(prompt.Render(item), chatOptions?.Clone(), cancellationToken).ConfigureAwait(false);
            output = response.Text;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ExperimentItemResult(item.Id!, item.Input, item.ExpectedOutput, null, $"{e.GetType().Name}: {e.Message}",
                Stopwatch.GetElapsedTime(start).TotalMilliseconds, []);
        }

        double duration = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var input = new EvaluationInput { Input = item.Input, Output = output, ExpectedOutput = item.ExpectedOutput, Context = item.Context };
        var metrics = new List<EvaluationMetric>();
        foreach (IEvaluator evaluator in evaluators)
        {
            EvaluationResult result = await evaluator.EvaluateAsync(input, evaluation, cancellationToken).ConfigureAwait(false);
            metrics.AddRange(result.Metrics);
        }

        return new ExperimentItemResult(item.Id!, item.Input, item.ExpectedOutput, output, null, duration, metrics);
    }
}
