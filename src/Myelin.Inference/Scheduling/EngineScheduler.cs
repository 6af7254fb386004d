using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Myelin.Inference.Caching;

namespace Myelin.Inference.Scheduling;

/// <summary>
/// Continuous batching over one model: every step runs one forward pass that carries a token for each generating
/// sequence first, then chunks of waiting prompts up to a token budget (chunked prefill). Admission is fair across
/// tenants (round robin) and, within a tenant, takes the request with the longest cached prefix first.
/// </summary>
/// <remarks>
/// Thread-safe: <see cref="Submit"/> may be called from any thread; one dedicated thread drives the model. Each request's
/// tokens arrive on its own channel. A full queue is refused with <see cref="SchedulerFullException"/> rather than growing.
/// </remarks>
public sealed partial class EngineScheduler : IDisposable
{
    private readonly InferenceModel _model;
    private readonly RadixPrefixCache? _cache;
    private readonly SchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly InferenceMetrics _metrics;
    private readonly Meter _meter;
    private readonly object _lock = new();
    private readonly Dictionary<CacheTenant, Queue<Active>> _waiting = [];
    private readonly List<CacheTenant> _tenantOrder = [];
    private readonly List<Active> _running = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _loop;
    private readonly float[] _logits;
    private readonly SequencePool _sequences;
    private int _waitingCount;
    private int _runningCount;
    private int _nextTenant;
    private long _cacheTicks;

    /// <summary>Starts the scheduler's thread over <paramref name="model"/>, which it uses exclusively from now on.</summary>
    /// <param name="model">The model; the scheduler's thread is its only user from now on.</param>
    /// <param name="cache">The prefix cache to load prompts from and store them in, or null.</param>
    /// <param name="options">Batching limits.</param>
    /// <param name="name">The model name metrics are tagged with.</param>
    /// <param name="time">The clock for latency metrics.</param>
    /// <param name="meterFactory">Where the <c>Myelin.Inference</c> meter comes from (a private meter when null).</param>
    public EngineScheduler(
        InferenceModel model, RadixPrefixCache? cache, SchedulerOptions? options = null, string name = "model", TimeProvider? time = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _options = options ?? new SchedulerOptions();
        _options.Validate();
        _model = model;
        _cache = cache;
        _time = time ?? TimeProvider.System;
        _meter = meterFactory?.Create(InferenceAssembly.TelemetryName) ?? new Meter(InferenceAssembly.TelemetryName);
        _metrics = new InferenceMetrics(_meter, name, () => Volatile.Read(ref _runningCount), () => Volatile.Read(ref _waitingCount), KvUsage);
        _logits = new float[_options.MaxRunning * model.Shape.VocabSize];
        _sequences = new SequencePool(model, _options.MaxRunning);
        _loop = new Thread(Run) { IsBackground = true, Name = "myelin-engine" };
        _loop.Start();
    }

    /// <summary>Finished sequences kept for reuse by later requests (read on the scheduler's thread; for tests).</summary>
    internal int PooledSequences => _sequences.Count;

    /// <summary>The disk tier that extends memory prefix hits with prefixes spilled earlier (or before a restart); null for none.</summary>
    public Caching.DiskKvTier? DiskTier { get; init; }

    /// <summary>
    /// Time the scheduler's thread has spent in the prefix cache (ordering waiting requests by cached prefix, loading
    /// hits into new sequences, storing finished ones, evicting): what the cache costs, hit or miss.
    /// </summary>
    public TimeSpan PrefixCacheTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _cacheTicks));

    /// <summary>
    /// Called on the scheduler's thread, under the queue's lock, as each request is chosen to leave the queue for a slot
    /// (tests observe the order).
    /// </summary>
    internal Action<GenerationRequest>? Admitted { get; set; }

    /// <summary>Requests generating now.</summary>
    public int Running => Volatile.Read(ref _runningCount);

    /// <summary>Requests waiting for a slot.</summary>
    public int Waiting => Volatile.Read(ref _waitingCount);

    /// <summary>Queues a request; its tokens arrive on the returned channel, which completes when generation ends.</summary>
    /// <exception cref="ArgumentException">The prompt is empty, has an unknown token, or does not fit the context with one generated token.</exception>
    /// <exception cref="SchedulerFullException">Too many requests are waiting.</exception>
    public ChannelReader<GenerationEvent> Submit(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        int vocab = _model.Shape.VocabSize;
        if (request.Prompt.Count == 0)
        {
            throw new ArgumentException("The prompt is empty.", nameof(request));
        }

        if (request.Prompt.Count + 1 > _model.Shape.ContextLength)
        {
            throw new ArgumentException($"The prompt is {request.Prompt.Count} tokens; the context holds {_model.Shape.ContextLength}.", nameof(request));
        }

        foreach (int token in request.Prompt)
        {
            if ((uint)token >= (uint)vocab)
            {
                throw new ArgumentException($"Token {token} is outside the vocabulary of {vocab}.", nameof(request));
            }
        }

        request.Sampling.Validate(vocab);
        var active = new Active(request, _time.GetTimestamp(), cancellationToken);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            if (_waitingCount >= _options.MaxQueued && Volatile.Read(ref _runningCount) >= _options.MaxRunning)
            {
                throw new SchedulerFullException($"{_waitingCount} requests are already waiting; retry shortly.", TimeSpan.FromSeconds(1));
            }

            if (!_waiting.TryGetValue(request.Tenant, out Queue<Active>? queue))
            {
                _waiting[request.Tenant] = queue = new Queue<Active>();
                _tenantOrder.Add(request.Tenant);
            }

            queue.Enqueue(active);
            _waitingCount++;
        }

        _signal.Release();
        return active.Output.Reader;
    }

    /// <summary>Stops the thread; requests still running or waiting end with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            _stop.Cancel();
        }

        _signal.Release();
        _loop.Join();
        var error = new ObjectDisposedException(nameof(EngineScheduler));
        foreach (Active active in _running)
        {
            active.Output.Writer.TryComplete(error);
        }

        foreach (Active active in _waiting.Values.SelectMany(q => q))
        {
            active.Output.Writer.TryComplete(error);
        }

        _meter.Dispose();
        _signal.Dispose();
        _stop.Dispose();
    }

    private double KvUsage() => _cache is null || _cache.Pool.BlockCount == 0 ? 0 : (double)_cache.Pool.UsedBlocks / _cache.Pool.BlockCount;
}
