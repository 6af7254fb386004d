using System.Collections.Concurrent;
using Myelin.Core;

namespace Myelin.Memory.Internal;

/// <summary>Counts recall accesses off the recall path: hits are queued and written by one drain at a time, which
/// takes everything queued meanwhile, so concurrent recalls share one transaction (and one fsync) instead of one
/// each.</summary>
/// <remarks>Counts still queued when the process dies are lost; they only nudge ranking (importance order), so that
/// is traded for recall latency. A failed write surfaces from <see cref="FlushAsync"/>.</remarks>
internal sealed class AccessRecorder(IMemoryStore store)
{
    private readonly ConcurrentQueue<(TenantId Tenant, string[] Ids, DateTimeOffset At)> _queue = new();
    private readonly Lock _gate = new();
    private Task _draining = Task.CompletedTask;
    private bool _running;

    public void Record(TenantId tenant, string[] ids, DateTimeOffset at)
    {
        _queue.Enqueue((tenant, ids, at));
        StartIfIdle();
    }

    /// <summary>Completes when everything recorded before the call is written.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!_queue.IsEmpty)
            {
                StartIfIdle();
            }

            Task current;
            lock (_gate)
            {
                current = _draining;
            }

            await current.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (_queue.IsEmpty)
            {
                return;
            }
        }
    }

    // _running (not the task's state) decides under the lock, so a record queued just as a drain stops is never left behind.
    private void StartIfIdle()
    {
        lock (_gate)
        {
            if (!_running)
            {
                _running = true;
                _draining = Task.Run(DrainAsync);
            }
        }
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                lock (_gate)
                {
                    if (_queue.IsEmpty)
                    {
                        _running = false;
                        return;
                    }
                }

                await WriteQueuedAsync().ConfigureAwait(false);
            }
        }
        catch
        {
            lock (_gate)
            {
                _running = false;
            }

            throw;
        }
    }

    private async Task WriteQueuedAsync()
    {
        var byTenant = new Dictionary<TenantId, (List<string> Ids, DateTimeOffset At)>();
        while (_queue.TryDequeue(out (TenantId Tenant, string[] Ids, DateTimeOffset At) e))
        {
            if (!byTenant.TryGetValue(e.Tenant, out (List<string> Ids, DateTimeOffset At) batch))
            {
                batch = ([], e.At);
            }

            batch.Ids.AddRange(e.Ids);
            byTenant[e.Tenant] = (batch.Ids, e.At > batch.At ? e.At : batch.At);
        }

        foreach ((TenantId tenant, (List<string> ids, DateTimeOffset at)) in byTenant)
        {
            await store.RecordAccessAsync(tenant, ids, at).ConfigureAwait(false);
        }
    }
}
