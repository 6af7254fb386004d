namespace Myelin.Inference.Internal;

/// <summary>
/// A fixed set of background threads that run the chunks of one <see cref="ParallelWork"/> at a time together with
/// the calling thread. Unlike <c>Parallel.For</c> it allocates nothing per call.
/// </summary>
/// <remarks>One caller at a time (the model's forward pass is single-caller); <see cref="Run"/> is not reentrant.</remarks>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim _start = new(0);
    private readonly ManualResetEventSlim _done = new(false);
    private ParallelWork? _work;
    private int _chunks;
    private int _next;
    private int _active;
    private Exception? _error;
    private volatile bool _disposed;

    public WorkerPool(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        _threads = new Thread[threads - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"myelin-inference-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>Threads that execute chunks, the caller included.</summary>
    public int Concurrency => _threads.Length + 1;

    public void Run(ParallelWork work, int chunks)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (chunks <= 0)
        {
            return;
        }

        int helpers = Math.Min(_threads.Length, chunks - 1);
        if (helpers == 0)
        {
            for (int c = 0; c < chunks; c++)
            {
                work.Execute(c);
            }

            return;
        }

        _work = work;
        _chunks = chunks;
        _next = -1;
        _active = helpers;
        _done.Reset();
        _error = null;
        _start.Release(helpers);
        try
        {
            Drain(work);
        }
        finally
        {
            _done.Wait();
            _work = null;
        }

        if (_error is { } error)
        {
            throw new AggregateException("A parallel inference kernel failed.", error);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_threads.Length > 0)
        {
            // A single-threaded pool has no helpers to wake (SemaphoreSlim.Release(0) throws).
            _start.Release(_threads.Length);
        }

        foreach (Thread t in _threads)
        {
            t.Join();
        }

        _start.Dispose();
        _done.Dispose();
    }

    private void Drain(ParallelWork work)
    {
        int c;
        while ((c = Interlocked.Increment(ref _next)) < _chunks)
        {
            work.Execute(c);
        }
    }

    private void WorkerLoop()
    {
        while (true)
        {
            _start.Wait();
            if (_disposed)
            {
                return;
            }

            try
            {
                Drain(_work!);
            }
            catch (Exception e)
            {
                // Stop the other threads taking chunks; the caller rethrows.
                _error = e;
                _next = int.MaxValue / 2;
            }
            finally
            {
                if (Interlocked.Decrement(ref _active) == 0)
                {
                    _done.Set();
                }
            }
        }
    }
}
