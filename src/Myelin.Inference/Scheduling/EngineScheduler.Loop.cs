using System.Diagnostics;
using System.Threading.Channels;
using Myelin.Inference.Sampling;

namespace Myelin.Inference.Scheduling;

/// <content>The engine thread: admit, build a step (decode first, then prefill chunks), run it, sample, emit.</content>
public sealed partial class EngineScheduler
{
    private void Run()
    {
        var tokens = new List<int>(_options.MaxBatchTokens);
        var entries = new List<SequenceBatchEntry>(_options.MaxRunning);
        var participants = new List<(Active Active, int Count, bool Samples)>(_options.MaxRunning);
        while (!_stop.IsCancellationRequested)
        {
            Admit();
            DropCancelled();
            if (_running.Count == 0)
            {
                try
                {
                    _signal.Wait(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            tokens.Clear();
            entries.Clear();
            participants.Clear();
            BuildStep(tokens, entries, participants);
            try
            {
                _model.Forward(
                    System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens),
                    System.Runtime.InteropServices.CollectionsMarshal.AsSpan(entries),
                    _logits.AsSpan(0, entries.Count * _model.Shape.VocabSize));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // A broken step fails the requests in it, not the engine.
                foreach ((Active active, _, _) in participants)
                {
                    Finish(active, ex);
                }

                continue;
            }

            Emit(participants);
        }
    }

    /// <summary>Moves waiting requests into free slots: tenants in turn, the longest cached prefix first within a tenant.</summary>
    private void Admit()
    {
        while (true)
        {
            Active? next;
            lock (_lock)
            {
                if (_running.Count >= _options.MaxRunning || _waitingCount == 0)
                {
                    return;
                }

                next = TakeNextWaiting();
                Admitted?.Invoke(next.Request);
            }

            if (next.CancellationToken.IsCancellationRequested)
            {
                next.Output.Writer.TryComplete(new OperationCanceledException(next.CancellationToken));
                continue;
            }

            Start(next);
        }
    }

    private Active TakeNextWaiting()
    {
        while (true)
        {
            // _nextTenant points one past the tenant served last; it is reduced only here, so a tenant that starts
            // waiting (appended at the end) right after the last one in the order was served is the next to go.
            int at = _nextTenant % _tenantOrder.Count;
            Caching.CacheTenant tenant = _tenantOrder[at];
            _nextTenant = at + 1;
            Queue<Active> queue = _waiting[tenant];
            if (queue.Count == 0)
            {
                continue;
            }

            Active best = queue.Peek();
            if (_cache is not null && queue.Count > 1)
            {
                long started = Stopwatch.GetTimestamp();
                int bestMatch = -1;
                foreach (Active candidate in queue)
                {
                    int match = _cache.MatchLength(tenant, candidate.Prompt);
                    if (match > bestMatch)
                    {
                        (best, bestMatch) = (candidate, match);
                    }
                }

                var rest = queue.Where(a => !ReferenceEquals(a, best)).ToList();
                queue.Clear();
                rest.ForEach(queue.Enqueue);
                AddCacheTime(started);
            }
            else
            {
                queue.Dequeue();
            }

            if (queue.Count == 0)
            {
                _waiting.Remove(tenant);
                // The tenant after it moves into its place and is the next to go.
                _tenantOrder.RemoveAt(at);
                _nextTenant = at;
            }

            _waitingCount--;
            return best;
        }
    }

    private void Start(Active active)
    {
        int capacity = Math.Min(_model.Shape.ContextLength, active.Prompt.Length + active.Request.Sampling.MaxTokens + 1);
        active.Sequence = _sequences.Rent(capacity);
        active.Sampler = new Sampler(active.Request.Sampling with { MaxTokens = Math.Min(active.Request.Sampling.MaxTokens, capacity - active.Prompt.Length) }, _model.Shape.VocabSize);
        active.Sampler.AddPromptTokens(active.Prompt);
        ReadOnlySpan<int> reusable = active.Prompt.AsSpan(0, active.Prompt.Length - 1);
        if (_cache is not null)
        {
            long started = Stopwatch.GetTimestamp();
            active.Cached = _cache.Load(active.Request.Tenant, reusable, active.Sequence);
            AddCacheTime(started);
        }

        if (DiskTier is { } disk)
        {
            long started = Stopwatch.GetTimestamp();
            active.Cached = disk.Restore(active.Request.Tenant, reusable, active.Sequence, active.Cached);
            AddCacheTime(started);
        }

        active.Prefilled = active.Cached;
        active.AllTokens.AddRange(active.Prompt);
        _metrics.Record(_metrics.QueueTime, _time.GetElapsedTime(active.Arrived).TotalSeconds);
        _metrics.Add(_metrics.PromptTokens, active.Prompt.Length);
        _metrics.Add(_metrics.PrefixCacheQueries, active.Prompt.Length - 1);
        _metrics.Add(_metrics.PrefixCacheHits, active.Cached);
        _running.Add(active);
        Volatile.Write(ref _runningCount, _running.Count);
    }

    private void DropCancelled()
    {
        for (int i = _running.Count - 1; i >= 0; i--)
        {
            if (_running[i].CancellationToken.IsCancellationRequested)
            {
                Finish(_running[i], new OperationCanceledException(_running[i].CancellationToken));
            }
        }
    }

    private void BuildStep(List<int> tokens, List<SequenceBatchEntry> entries, List<(Active, int, bool)> participants)
    {
        int budget = _options.MaxBatchTokens;
        foreach (Active active in _running)
        {
            if (active.Decoding)
            {
                tokens.Add(active.LastToken);
                entries.Add(new SequenceBatchEntry(active.Sequence!, 1));
                participants.Add((active, 1, true));
                budget--;
            }
        }

        foreach (Active active in _running)
        {
            if (active.Decoding || budget <= 0)
            {
                continue;
            }

            int count = Math.Min(Math.Min(active.Prompt.Length - active.Prefilled, _options.PrefillChunk), budget);
            tokens.AddRange(active.Prompt.AsSpan(active.Prefilled, count));
            entries.Add(new SequenceBatchEntry(active.Sequence!, count));
            participants.Add((active, count, active.Prefilled + count == active.Prompt.Length));
            budget -= count;
        }
    }

    private void Emit(List<(Active Active, int Count, bool Samples)> participants)
    {
        int vocab = _model.Shape.VocabSize;
        for (int i = 0; i < participants.Count; i++)
        {
            (Active active, int count, bool samples) = participants[i];
            if (!active.Decoding)
            {
                active.Prefilled += count;
            }

            if (!samples)
            {
                continue;
            }

            TokenLogprob[] top = active.Request.Sampling.TopLogprobs > 0 ? new TokenLogprob[active.Request.Sampling.TopLogprobs] : [];
            SampledToken sampled = active.Sampler!.Sample(_logits.AsSpan(i * vocab, vocab), top);
            StopReason stop = active.Sampler.CheckStop(sampled.Token);
            long now = _time.GetTimestamp();
            if (active.LastEmitted == 0)
            {
                _metrics.Record(_metrics.TimeToFirstToken, _time.GetElapsedTime(active.Arrived, now).TotalSeconds);
            }
            else
            {
                _metrics.Record(_metrics.InterTokenLatency, _time.GetElapsedTime(active.LastEmitted, now).TotalSeconds);
            }

            active.LastEmitted = now;
            if (stop != StopReason.StopToken)
            {
                _metrics.Add(_metrics.GenerationTokens, 1);
            }

            active.Output.Writer.TryWrite(new GenerationEvent(
                sampled.Token, stop, active.Cached, sampled.Logprob, top.Length == sampled.TopLogprobCount ? top : top[..sampled.TopLogprobCount]));
            if (stop != StopReason.None)
            {
                Finish(active, null);
                continue;
            }

            active.Decoding = true;
            active.LastToken = sampled.Token;
            active.AllTokens.Add(sampled.Token);
        }
    }

    /// <summary>Ends a request: caches what it computed (when it finished normally), frees its slot, completes its channel.</summary>
    private void Finish(Active active, Exception? error)
    {
        if (error is null && _cache is not null && active.Sequence is { Length: > 0 } sequence)
        {
            long started = Stopwatch.GetTimestamp();
            _cache.Store(active.Request.Tenant, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(active.AllTokens)[..sequence.Length], sequence);
            AddCacheTime(started);
        }

        _metrics.Record(_metrics.EndToEnd, _time.GetElapsedTime(active.Arrived).TotalSeconds);
        if (active.Sequence is { } finished)
        {
            active.Sequence = null;
            _sequences.Return(finished);
        }

        _running.Remove(active);
        Volatile.Write(ref _runningCount, _running.Count);
        active.Output.Writer.TryComplete(error);
    }

    /// <summary>Adds the time since <paramref name="started"/> to what the prefix cache has cost this scheduler.</summary>
    private void AddCacheTime(long started)
    {
        long elapsed = Stopwatch.GetTimestamp() - started;
        Interlocked.Add(ref _cacheTicks, elapsed);
        _metrics.Add(_metrics.PrefixCacheTime, (double)elapsed / Stopwatch.Frequency);
    }

    private sealed class Active(GenerationRequest request, long arrived, CancellationToken cancellationToken)
    {
        public GenerationRequest Request { get; } = request;

        public int[] Prompt { get; } = [.. request.Prompt];

        public long Arrived { get; } = arrived;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public Channel<GenerationEvent> Output { get; } = Channel.CreateUnbounded<GenerationEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        public List<int> AllTokens { get; } = [];

        public KvSequence? Sequence { get; set; }

        public Sampler? Sampler { get; set; }

        public int Cached { get; set; }

        public int Prefilled { get; set; }

        public bool Decoding { get; set; }

        public int LastToken { get; set; }

        public long LastEmitted { get; set; }
    }
}
