namespace Myelin.Inference.Internal;

/// <summary>
/// A unit of parallel work split into chunks. Instances are reused across calls (their fields are set before each
/// <see cref="WorkerPool.Run"/>), which is what keeps the decode loop free of per-token allocations.
/// </summary>
internal abstract class ParallelWork
{
    /// <summary>Runs chunk <paramref name="chunk"/>; chunks may run concurrently on different threads.</summary>
    public abstract void Execute(int chunk);
}
