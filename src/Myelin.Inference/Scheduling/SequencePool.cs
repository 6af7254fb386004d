namespace Myelin.Inference.Scheduling;

/// <summary>
/// Finished sequences kept for the next requests, so a new request writes its KV (prefix-cache hits, disk restores,
/// prefill) into memory that is already mapped instead of a fresh array whose every page faults on first write.
/// </summary>
/// <remarks>
/// A fresh sequence of a few thousand tokens is tens of megabytes: on the agent-replay model (3k tokens, 8 layers,
/// KV width 256) 50 MB, about 12,000 page faults, a first touch that cost more than copying the cached prefix into it.
/// Capacities are rounded up to <see cref="Granularity"/> tokens so sequences of similar requests fit each other.
/// At most <c>limit</c> sequences are kept (the scheduler passes its <see cref="SchedulerOptions.MaxRunning"/>); used by
/// the scheduler's thread only, so not thread-safe.
/// </remarks>
internal sealed class SequencePool(InferenceModel model, int limit)
{
    /// <summary>Capacities are whole multiples of this many tokens (or the model's context length).</summary>
    public const int Granularity = 256;

    private readonly List<KvSequence> _free = [];

    /// <summary>Sequences kept for reuse.</summary>
    public int Count => _free.Count;

    /// <summary>An empty sequence of at least <paramref name="capacity"/> tokens: the smallest kept one that fits, else a new one.</summary>
    public KvSequence Rent(int capacity)
    {
        int best = -1;
        for (int i = 0; i < _free.Count; i++)
        {
            if (_free[i].Capacity >= capacity && (best < 0 || _free[i].Capacity < _free[best].Capacity))
            {
                best = i;
            }
        }

        if (best < 0)
        {
            int rounded = (int)Math.Min(model.Shape.ContextLength, ((long)capacity + Granularity - 1) / Granularity * Granularity);
            return model.CreateSequence(Math.Max(rounded, capacity));
        }

        KvSequence sequence = _free[best];
        _free.RemoveAt(best);
        sequence.Truncate(0);
        return sequence;
    }

    /// <summary>Keeps a finished sequence for a later <see cref="Rent"/>; when full, the smallest kept one makes way for a larger one.</summary>
    public void Return(KvSequence sequence)
    {
        if (limit <= 0)
        {
            return;
        }

        if (_free.Count < limit)
        {
            _free.Add(sequence);
            return;
        }

        int smallest = 0;
        for (int i = 1; i < _free.Count; i++)
        {
            if (_free[i].Capacity < _free[smallest].Capacity)
            {
                smallest = i;
            }
        }

        if (_free[smallest].Capacity < sequence.Capacity)
        {
            _free[smallest] = sequence;
        }
    }
}
