using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Myelin.Core.Log;
using Myelin.Memory.Consolidation;
using Myelin.Memory.Extraction;
using Myelin.Memory.Internal;

namespace Myelin.Memory.Ingest;

/// <summary>Remembers conversation turns: appends them to the experience log, stores them verbatim as episodes
/// (acknowledged once both are durable), and extracts and consolidates memories in the background.</summary>
/// <remarks>
/// <para>Thread-safe. One background worker runs extraction jobs in order, so consolidation never races with itself.
/// An extractor output that stays invalid, and a job that fails, are quarantined in the store and counted in
/// <see cref="Statistics"/> and the <c>Myelin.Memory</c> meter; nothing is dropped silently.</para>
/// <para>Jobs still queued when the process stops are not run; their turns are in the log and stored as episodes.</para>
/// </remarks>
public sealed partial class MemoryIngestor : IAsyncDisposable
{
    private static readonly HashSet<string> s_roles = new(["user", "assistant", "system", "tool"], StringComparer.Ordinal);

    private readonly IMemoryStore _store;
    private readonly IExperienceLog _log;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddings;
    private readonly IMemoryExtractor _extractor;
    private readonly MemoryConsolidator _consolidator;
    private readonly MemoryIngestorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<ExtractionJob> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _turnCounter;
    private readonly Counter<long> _quarantineCounter;
    private readonly Counter<long> _failureCounter;
    private readonly Task _worker;
    private long _turnsStored;
    private long _pending;
    private long _completed;
    private long _added;
    private long _updated;
    private long _invalidated;
    private long _unchanged;
    private long _quarantined;
    private long _failed;

    /// <summary>Creates an ingestor and starts its background worker.</summary>
    public MemoryIngestor(
        IMemoryStore store,
        IExperienceLog log,
        IEmbeddingGenerator<string, Embedding<float>> embeddings,
        IMemoryExtractor extractor,
        MemoryIngestorOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(extractor);
        _store = store;
        _log = log;
        _embeddings = embeddings;
        _extractor = extractor;
        _options = options ?? new MemoryIngestorOptions();
        _time = _options.TimeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<MemoryIngestor>();
        _consolidator = new MemoryConsolidator(store, embeddings);
        _queue = Channel.CreateBounded<ExtractionJob>(
            new BoundedChannelOptions(Math.Max(1, _options.QueueCapacity)) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        Meter meter = meterFactory?.Create(MemoryAssembly.TelemetryName) ?? (_ownedMeter = new Meter(MemoryAssembly.TelemetryName));
        _turnCounter = meter.CreateCounter<long>("myelin.memory.turns", "{turn}", "Turns stored as episodes.");
        _quarantineCounter = meter.CreateCounter<long>(
            "myelin.memory.extraction.quarantined", "{output}", "Extractor outputs quarantined as invalid.");
        _failureCounter = meter.CreateCounter<long>("myelin.memory.extraction.failed", "{job}", "Extraction jobs that failed.");
        _worker = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>The ingestor's counters now.</summary>
    public IngestStatistics Statistics => new(
        Interlocked.Read(ref _turnsStored),
        Interlocked.Read(ref _pending),
        Interlocked.Read(ref _completed),
        Interlocked.Read(ref _added),
        Interlocked.Read(ref _updated),
        Interlocked.Read(ref _invalidated),
        Interlocked.Read(ref _unchanged),
        Interlocked.Read(ref _quarantined),
        Interlocked.Read(ref _failed));

    /// <summary>Completes when every extraction job queued so far has finished.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        // Polling keeps the hot path free of per-job signalling; this is for tests, benchmarks and shutdown.
        while (Interlocked.Read(ref _pending) > 0)
        {
            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops taking jobs, lets the worker finish the current one, and releases the meter.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _worker.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stopping.Dispose();
        _ownedMeter?.Dispose();
    }
}
