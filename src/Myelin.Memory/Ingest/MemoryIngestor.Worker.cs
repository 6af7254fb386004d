using Myelin.Memory.Consolidation;
using Myelin.Memory.Extraction;
using Myelin.Memory.Internal;

namespace Myelin.Memory.Ingest;

/// <content>The background worker: extract, quarantine or consolidate, count.</content>
public sealed partial class MemoryIngestor
{
    private async Task RunAsync(CancellationToken stopping)
    {
        await foreach (ExtractionJob job in _queue.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
        {
            try
            {
                await ProcessAsync(job, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref _failed);
                _failureCounter.Add(1);
                LogJobFailed(_logger, e, job.Scope.Tenant.Value, job.Turns.Count);
                await QuarantineFailureAsync(job, e, stopping).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Increment(ref _completed);
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    private async Task ProcessAsync(ExtractionJob job, CancellationToken cancellationToken)
    {
        ExtractionOutcome outcome = await _extractor.ExtractAsync(new ExtractionRequest(job.Scope, job.Turns), cancellationToken)
            .ConfigureAwait(false);
        if (outcome.Quarantined is { } bad)
        {
            await _store.AddQuarantineAsync(job.Tenant, bad, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _quarantined);
            _quarantineCounter.Add(1);
            LogQuarantined(_logger, job.Tenant.Value, _extractor.Name, bad.Attempts, bad.Error);
        }

        if (outcome.Memories.Count == 0)
        {
            return;
        }

        var times = job.Turns.ToDictionary(t => t.Offset, t => t.Timestamp);
        var memories = outcome.Memories
            .Select(m => m with { ValidFrom = m.ValidFrom ?? times.GetValueOrDefault(m.SourceOffset, job.Turns[^1].Timestamp) })
            .ToList();
        IReadOnlyList<ConsolidationDecision> decisions = await _consolidator.ApplyAsync(
            job.Scope, memories, job.Turns[^1].Timestamp, _extractor.Name, cancellationToken).ConfigureAwait(false);
        foreach (ConsolidationDecision d in decisions)
        {
            switch (d.Action)
            {
                case ConsolidationAction.Add:
                    Interlocked.Increment(ref _added);
                    break;
                case ConsolidationAction.Update:
                    Interlocked.Increment(ref _updated);
                    break;
                case ConsolidationAction.Invalidate:
                    Interlocked.Increment(ref _invalidated);
                    break;
                default:
                    Interlocked.Increment(ref _unchanged);
                    break;
            }
        }
    }

    private async Task QuarantineFailureAsync(ExtractionJob job, Exception error, CancellationToken cancellationToken)
    {
        try
        {
            var record = new QuarantinedOutput(
                job.Scope.UserId, _time.GetUtcNow(), _extractor.Name, 0, "The extraction job failed: " + error.Message, string.Empty,
                [.. job.Turns.Select(t => t.Offset)]);
            await _store.AddQuarantineAsync(job.Tenant, record, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The failure is already counted and logged; the store itself is failing, so say so and go on.
            LogQuarantineFailed(_logger, e, job.Tenant.Value);
        }
    }
}
