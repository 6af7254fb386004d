namespace Myelin.Numerics.Internal;

/// <summary>One unit of parallel work; a struct so the JIT specialises the driver per job type.</summary>
internal interface IParallelJob
{
    void Execute(int index);
}

/// <summary>
/// A minimal fork-join pool for kernels: <c>ProcessorCount - 1</c> dedicated background threads that sleep on a
/// semaphore, plus the calling thread. Work items are handed out through one interlocked counter.
/// </summary>
/// <remarks>
/// Why not Parallel.For: it allocates and schedules through the thread pool on every call, which costs more
/// than a small GEMM. Here a call allocates nothing: the job struct sits in a static generic slot
/// (<see cref="Slot{TJob}"/>) and its delegate is created once per job type. Only one fork-join runs at a time;
/// a call made while the pool is busy (another thread, or nested inside a job) runs serially on its caller.
/// </remarks>
internal static class ParallelRunner
{
    private static readonly Lock s_gate = new();
    private static readonly SemaphoreSlim s_start = new(0);
    private static readonly int s_workerCount = Math.Max(0, Environment.ProcessorCount - 1);
    private static int s_started;
    private static Action<int>? s_body;
    private static int s_next;
    private static int s_count;
    private static int s_active;
    private static Exception? s_error;

    /// <summary>The most threads a fork-join can use, the caller included.</summary>
    public static int MaxThreads => Math.Min(Kernels.MaxThreads, s_workerCount + 1);

    /// <summary>Runs <paramref name="job"/> for indices 0..<paramref name="count"/>-1 on up to <paramref name="threads"/> threads.</summary>
    public static void For<TJob>(int count, int threads, in TJob job)
        where TJob : struct, IParallelJob
    {
        threads = Math.Min(Math.Min(threads, MaxThreads), count);
        if (threads <= 1 || !s_gate.TryEnter())
        {
            RunSerial(count, job);
            return;
        }

        try
        {
            EnsureStarted();
            Slot<TJob>.Job = job;
            s_body = Slot<TJob>.Body;
            s_error = null;
            s_count = count;
            Volatile.Write(ref s_next, 0);
            int helpers = threads - 1;
            Volatile.Write(ref s_active, helpers);
            s_start.Release(helpers);
            Drain();
            var spin = default(SpinWait);
            while (Volatile.Read(ref s_active) != 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            Slot<TJob>.Job = default;
            s_body = null;
            if (s_error is { } error)
            {
                throw new AggregateException(error);
            }
        }
        finally
        {
            s_gate.Exit();
        }
    }

    private static void RunSerial<TJob>(int count, TJob job)
        where TJob : struct, IParallelJob
    {
        for (int i = 0; i < count; i++)
        {
            job.Execute(i);
        }
    }

    private static void Drain()
    {
        Action<int> body = s_body!;
        int count = s_count;
        int i;
        while ((i = Interlocked.Increment(ref s_next) - 1) < count)
        {
            try
            {
                body(i);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                s_error = e;
            }
        }
    }

    private static void EnsureStarted()
    {
        if (Volatile.Read(ref s_started) != 0)
        {
            return;
        }

        for (int i = 0; i < s_workerCount; i++)
        {
            var thread = new Thread(WorkerLoop) { IsBackground = true, Name = "Myelin.Numerics worker " + i };
            thread.Start();
        }

        Volatile.Write(ref s_started, 1);
    }

    private static void WorkerLoop()
    {
        while (true)
        {
            s_start.Wait();
            Drain();
            Interlocked.Decrement(ref s_active);
        }
    }

    private static class Slot<TJob>
        where TJob : struct, IParallelJob
    {
        public static TJob Job;

        public static readonly Action<int> Body = static i => Job.Execute(i);
    }
}
