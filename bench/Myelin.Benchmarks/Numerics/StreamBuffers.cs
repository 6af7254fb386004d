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

    /// <summary>Sums b; the result is kept so the loads cannot be dropped.</summary>
    public void Read(int threads) => Split(threads, (start, length) =>
        Interlocked.Exchange(ref _sink, System.Numerics.Tensors.TensorPrimitives.Sum(_b.AsSpan().Slice(start, length))));

    public void Triad(int threads) => Split(threads, (start, length) =>
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(
            _c.AsSpan().Slice(start, length), 3f, _b.AsSpan().Slice(start, length), _a.AsSpan().Slice(start, length)));

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _c.Dispose();
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
