using Myelin.Numerics;

namespace Myelin.Benchmarks.Numerics;

/// <summary>Operands for one GEMM shape "MxKxN" (row-major A [M, K], B [K, N], like numpy's a @ b).</summary>
public sealed class GemmInput : IDisposable
{
    private readonly Tensor _a;
    private readonly Tensor _b;
    private readonly Tensor _c;

    private GemmInput(int m, int k, int n)
    {
        (M, K, N) = (m, k, n);
        var rng = new SeededRandom(1234);
        _a = Tensor.Empty(m, k);
        _b = Tensor.Empty(k, n);
        _c = Tensor.Zeros(m, n);
        _a.FillUniform(rng, -1f, 1f);
        _b.FillUniform(rng, -1f, 1f);
    }

    public int M { get; }

    public int K { get; }

    public int N { get; }

    public double Flops => 2.0 * M * N * K;

    public static GemmInput Create(string shape)
    {
        int[] d = shape.Split('x').Select(int.Parse).ToArray();
        return new GemmInput(d[0], d[1], d[2]);
    }

    public double Time() => SideBySide.Measure(() => Run(Kernels.Default));

    public void Run(IKernels kernels) =>
        kernels.Gemm(false, false, M, N, K, 1f, _a.AsSpan(), K, _b.AsSpan(), N, 0f, _c.AsSpan(), N);

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _c.Dispose();
    }
}
