using Myelin.Inference.Kernels;
using Myelin.Numerics;

namespace Myelin.Inference.Internal;

/// <summary>The kernels, worker threads and reusable work items one model's forward pass runs on.</summary>
internal sealed class InferenceContext : IDisposable
{
    public InferenceContext(IKernels kernels, int threads)
    {
        Kernels = kernels;
        Pool = new WorkerPool(threads);
    }

    public IKernels Kernels { get; }

    public WorkerPool Pool { get; }

    public HalfMatMulWork HalfWork { get; } = new();

    public void Dispose() => Pool.Dispose();
}
