using Myelin.Numerics;

namespace Myelin.Benchmarks.Numerics;

/// <summary>STREAM-like copy (a = b) and triad (a = b + s c), and a read-only sum of b, over arrays far larger than the caches.</summary>
internal sealed class StreamBuffers : IDisposable
{
    private readonly Tensor _a;
    private readonly Tensor _b;
    private readonly Tensor _c;
    private float _sink;

    public StreamBuffers(int length)
    {
        _a = Tensor.Zeros(length);
        _b = Tensor.Full(1f, length);
        _c = Tensor.Full(2f, length);
    }

    /// <summary>Bytes moved by one copy: read b, write a (write-allocate traffic not counted, as STREAM).</summary>
    public double CopyBytes => 2.0 * _a.Length * sizeof(float);

    /// <summary>Bytes moved by one read: read b (the traffic of a weight stream such as a decode step).</summary>
    public double ReadBytes => (double)_b.Length * sizeof(float);

    /// <summary>Bytes moved by one triad: read b and c, write a.</summary>
    public double TriadBytes => 3.0 * _a.Length * sizeof(float);

    public void Copy(int threads) => Split(threads, (start, length) =>
        _b.AsSpan().Slice(start, length).CopyTo(_a.AsSpan().Slice(start, length)));

    /// <summary>Sums b in one sequential stream per thread; the result is kept so the loads cannot be dropped.</summary>
    public void Read(int threads) => Split(threads, (start, length) =>
        Interlocked.Exchange(ref _sink, System.Numerics.Tensors.TensorPrimitives.Sum(_b.AsSpan().Slice(start, length))));

    /// <summary>
    /// Sums b as four interleaved streams per thread with software prefetch a few KB ahead: the access pattern of a
    /// quantised mat-vec (four weight rows per pass), which on this VM reads faster than one sequential stream.
    /// </summary>
    public void ReadStreams(int threads) => Split(threads, (start, length) =>
        Interlocked.Exchange(ref _sink, SumStreams(_b.AsSpan().Slice(start, length))));

    public void Triad(int threads) => Split(threads, (start, length) =>
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(
            _c.AsSpan().Slice(start, length), 3f, _b.AsSpan().Slice(start, length), _a.AsSpan().Slice(start, length)));

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _c.Dispose();
    }

    private static unsafe float SumStreams(ReadOnlySpan<float> span)
    {
        const int Ahead = 1024; // floats (4 KB) ahead in each stream
        int quarter = span.Length / 4 / 16 * 16;
        var a0 = System.Runtime.Intrinsics.Vector256<float>.Zero;
        var a1 = a0;
        var a2 = a0;
        var a3 = a0;
        fixed (float* p = span)
        {
            float* p0 = p;
            float* p1 = p + quarter;
            float* p2 = p + (2 * quarter);
            float* p3 = p + (3 * quarter);
            for (int i = 0; i < quarter; i += 16)
            {
                if (System.Runtime.Intrinsics.X86.Sse.IsSupported && i + Ahead < quarter)
                {
                    System.Runtime.Intrinsics.X86.Sse.Prefetch0(p0 + i + Ahead);
                    System.Runtime.Intrinsics.X86.Sse.Prefetch0(p1 + i + Ahead);
                    System.Runtime.Intrinsics.X86.Sse.Prefetch0(p2 + i + Ahead);
                    System.Runtime.Intrinsics.X86.Sse.Prefetch0(p3 + i + Ahead);
                }

                a0 += System.Runtime.Intrinsics.Vector256.Load(p0 + i) + System.Runtime.Intrinsics.Vector256.Load(p0 + i + 8);
                a1 += System.Runtime.Intrinsics.Vector256.Load(p1 + i) + System.Runtime.Intrinsics.Vector256.Load(p1 + i + 8);
                a2 += System.Runtime.Intrinsics.Vector256.Load(p2 + i) + System.Runtime.Intrinsics.Vector256.Load(p2 + i + 8);
                a3 += System.Runtime.Intrinsics.Vector256.Load(p3 + i) + System.Runtime.Intrinsics.Vector256.Load(p3 + i + 8);
            }
        }

        return System.Runtime.Intrinsics.Vector256.Sum(a0 + a1 + a2 + a3) + System.Numerics.Tensors.TensorPrimitives.Sum(span[(4 * quarter)..]);
    }

    private void Split(int threads, Action<int, int> body)
    {
        int chunk = (_a.Length + threads - 1) / threads;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int start = t * chunk;
            body(start, Math.Min(chunk, _a.Length - start));
        });
    }
}
