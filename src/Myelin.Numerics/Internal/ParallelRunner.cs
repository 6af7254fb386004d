using System.Diagnostics;

namespace Myelin.Numerics.Internal;

/// <summary>One unit of parallel work; a struct so the JIT specialises the driver per job type.</summary>
internal interface IParallelJob
{
    void Execute(int index);
}

/// <summary>
/// A minimal fork-join pool for kernels: <c>ProcessorCount - 1</c> dedicated background threads plus the calling
/// thread. Work items are handed out through one interlocked counter.
/// </summary>
/// <remarks>
/// <para>Why not Parallel.For: it allocates and schedules through the thread pool on every call, which costs more
/// than a small GEMM. Here a call allocates nothing: the job struct sits in a static generic slot
/// (<see cref="Slot{TJob}"/>) and its delegate is created once per job type. Only one fork-join runs at a time;
/// a call made while the pool is busy (another thread, or nested inside a job) runs serially on its caller.</para>
/// <para>Why workers poll before they sleep: a decode step is ~90 mat-vecs of 0.1-0.3 ms each with a few
/// microseconds of serial work between them. Waking a worker blocked on a semaphore costs tens of microseconds
/// (more on a loaded machine), so after each job a worker polls the generation counter for <see cref="SpinTicks"/>
/// and takes the next job without a wake-up; only an idle worker blocks. As in llama.cpp's thread pool, except that
/// the poll yields the core between reads after a few spins: on an oversubscribed machine a pure spin kept the core
/// from the thread holding the job's last chunk, and a two-thread decode ran at half the one-thread speed (at load
/// 9 on the 2-core VM, yielding took a Q4_0 decode from a median 21.7 to 31.0 tok/s).</para>
/// <para>Hand-off: a call publishes the job, then bumps <c>s_state</c> (generation in the high bits, the number of
/// helpers in the low 16), then releases the semaphore once per worker that announced it was going to sleep
/// (<c>s_sleepers</c>). A worker announces itself before its last look at the state, so with the full fences of
/// the interlocked operations either the caller sees the announcement or the worker sees the new generation;
/// a release that finds its worker awake leaves a spare count that only causes one harmless extra wake-up.</para>
/// </remarks>
internal static class ParallelRunner
{
    private const int HelperBits = 16;

    private static readonly long SpinTicks = Stopwatch.Frequency / 5000;
    private static readonly Lock s_gate = new();
    private static readonly SemaphoreSlim s_start = new(0);
    private static readonly int s_workerCount = Math.Min(Math.Max(0, Environment.ProcessorCount - 1), (1 << HelperBits) - 1);
    private static int s_started;
    private static long s_state;
    private static int s_sleepers;
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
            long generation = (Volatile.Read(ref s_state) >> HelperBits) + 1;
            Interlocked.Exchange(ref s_state, (generation << HelperBits) | (uint)helpers);
            int sleepers = Interlocked.Exchange(ref s_sleepers, 0);
            if (sleepers > 0)
            {
                s_start.Release(sleepers);
            }

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

        // Started before the first generation is published, so every worker begins by waiting for generation 1.
        for (int i = 0; i < s_workerCount; i++)
        {
            int index = i;
            var thread = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = "Myelin.Numerics worker " + i };
            thread.Start();
        }

        Volatile.Write(ref s_started, 1);
    }

    private static void WorkerLoop(int index)
    {
        long seen = 0;
        while (true)
        {
            long state = WaitForNext(seen);
            seen = state >> HelperBits;

            // Only the first 'helpers' workers take part (and are counted in s_active); the caller waits for them
            // before it publishes another generation, so the state read here is the one this job was published with.
            if (index < (int)(state & ((1 << HelperBits) - 1)))
            {
                Drain();
                Interlocked.Decrement(ref s_active);
            }
        }
    }

    /// <summary>Spins for <see cref="SpinTicks"/>, then sleeps, until a generation after <paramref name="seen"/> is published.</summary>
    private static long WaitForNext(long seen)
    {
        long start = Stopwatch.GetTimestamp();
        long state;
        var spin = default(SpinWait);
        while (((state = Volatile.Read(ref s_state)) >> HelperBits) == seen)
        {
            if (Stopwatch.GetTimestamp() - start > SpinTicks)
            {
                Interlocked.Increment(ref s_sleepers);
                while (((state = Volatile.Read(ref s_state)) >> HelperBits) == seen)
                {
                    s_start.Wait();
                }

                return state;
            }

            // Spins a little, then yields between polls: on an idle core a yield returns at once, on an oversubscribed
            // machine it hands the core to a thread that has work (perhaps the one holding this job's last chunk).
            spin.SpinOnce(sleep1Threshold: -1);
        }

        return state;
    }

    private static class Slot<TJob>
        where TJob : struct, IParallelJob
    {
        public static TJob Job;

        public static readonly Action<int> Body = static i => Job.Execute(i);
    }
}
