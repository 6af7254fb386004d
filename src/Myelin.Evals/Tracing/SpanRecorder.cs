using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Evals.Internal;

namespace Myelin.Evals.Tracing;

/// <summary>
/// Stores finished spans in the experience log as <c>span</c> records (and their <c>gen_ai.evaluation.result</c>
/// events as <c>evaluation</c> records), in batches, off the caller's path.
/// </summary>
/// <remarks>
/// <para>Thread-safe. Spans of the configured ActivitySources are captured by an <see cref="ActivityListener"/> when they
/// stop; <see cref="Enqueue"/> accepts spans from anywhere else. Recording never blocks the traced call: spans wait in a
/// bounded queue (<see cref="SpanRecorderOptions.Capacity"/>), and when it is full new spans are dropped and counted in
/// <see cref="Dropped"/>, with a warning in the log. Appends that keep failing after the retries are counted in
/// <see cref="Failed"/>, with an error in the log. Nothing is lost without showing up in one of the two counters.</para>
/// <para>Dispose to stop listening and write what is queued.</para>
/// </remarks>
public sealed partial class SpanRecorder : IAsyncDisposable
{
    private readonly IExperienceLog _log;
    private readonly SpanRecorderOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<SpanData> _queue;
    private readonly ActivityListener _listener;
    private readonly Task _writer;
    private readonly object _progressLock = new();
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _accepted;
    private long _processed;
    private long _recorded;
    private long _dropped;
    private long _failed;
    private int _disposed;

    /// <summary>Starts listening and writing.</summary>
    /// <param name="log">The log to write to.</param>
    /// <param name="options">Tenant, sources, queue size, batching; validated here.</param>
    /// <param name="logger">Receives drop and failure reports.</param>
    /// <exception cref="MyelinValidationException">The options are invalid.</exception>
    public SpanRecorder(IExperienceLog log, SpanRecorderOptions options, ILogger<SpanRecorder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _log = log;
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _queue = Channel.CreateBounded<SpanData>(new BoundedChannelOptions(options.Capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var sources = new HashSet<string>(options.Sources, StringComparer.Ordinal);
        _listener = new ActivityListener
        {
            ShouldListenTo = source => sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => Enqueue(ActivityConversion.ToSpan(activity, _options.Resource)),
        };
        ActivitySource.AddActivityListener(_listener);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Spans written to the log.</summary>
    public long Recorded => Interlocked.Read(ref _recorded);

    /// <summary>Spans dropped because the queue was full or the recorder was disposed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Spans whose append failed after all retries, or that the log rejected.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Queues a finished span; false (and <see cref="Dropped"/> grows) when the queue is full.</summary>
    public bool Enqueue(SpanData span)
    {
        ArgumentNullException.ThrowIfNull(span);
        if (Volatile.Read(ref _disposed) == 0 && _queue.Writer.TryWrite(span))
        {
            Interlocked.Increment(ref _accepted);
            return true;
        }

        long dropped = Interlocked.Increment(ref _dropped);

        // One warning per power of two keeps a flood visible without flooding the log itself.
        if ((dropped & (dropped - 1)) == 0)
        {
            LogDropped(dropped, _options.Capacity);
        }

        return false;
    }

    /// <summary>Waits until every span queued before the call has been written (or counted as failed).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        long target = Interlocked.Read(ref _accepted);
        while (Interlocked.Read(ref _processed) < target)
        {
            Task progress;
            lock (_progressLock)
            {
                progress = _progress.Task;
            }

            if (Interlocked.Read(ref _processed) >= target)
            {
                break;
            }

            await progress.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _listener.Dispose();
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<SpanData>(_options.MaxBatchSize);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _options.MaxBatchSize && _queue.Reader.TryRead(out SpanData? span))
            {
                batch.Add(span);
            }

            await WriteBatchAsync(batch).ConfigureAwait(false);
            Interlocked.Add(ref _processed, batch.Count);
            batch.Clear();
            lock (_progressLock)
            {
                _progress.TrySetResult();
                _progress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private async Task WriteBatchAsync(List<SpanData> batch)
    {
        var records = new List<NewExperienceRecord>(batch.Count + 4);
        using var json = new SpanJsonBuffer();
        int spans = 0;
        foreach (SpanData span in batch)
        {
            if (SpanRecords.Validate(span) is { } problem)
            {
                Interlocked.Increment(ref _failed);
                LogRejected(problem);
                continue;
            }

            SpanRecords.AddRecords(span, json, records);
            spans++;
        }

        if (records.Count == 0)
        {
            return;
        }

        TimeSpan delay = _options.RetryDelay;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await _log.AppendAsync(_options.Tenant, records, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Add(ref _recorded, spans);
                return;
            }
            catch (MyelinValidationException ex)
            {
                // Retrying cannot help a record the log refuses; count the batch instead of hiding it.
                Interlocked.Add(ref _failed, spans);
                LogAppendFailed(ex, spans, attempt);
                return;
            }
            catch (Exception ex) when (attempt < _options.MaxAttempts)
            {
                LogAppendRetry(ex, spans, attempt);
                await Task.Delay(delay).ConfigureAwait(false);
                delay += delay;
            }
            catch (Exception ex)
            {
                Interlocked.Add(ref _failed, spans);
                LogAppendFailed(ex, spans, attempt);
                return;
            }
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Span queue full ({Capacity}): {Dropped} spans dropped so far.")]
    private partial void LogDropped(long dropped, int capacity);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Appending {Count} spans failed (attempt {Attempt}); retrying.")]
    private partial void LogAppendRetry(Exception exception, int count, int attempt);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Error, Message = "Appending {Count} spans failed after {Attempt} attempts; they are counted as failed.")]
    private partial void LogAppendFailed(Exception exception, int count, int attempt);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Warning, Message = "Span rejected: {Problem}.")]
    private partial void LogRejected(string problem);
}
