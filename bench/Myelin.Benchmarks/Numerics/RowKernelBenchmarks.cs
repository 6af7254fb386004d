using BenchmarkDotNet.Attributes;
using Myelin.Numerics;

namespace Myelin.Benchmarks.Numerics;

/// <summary>Row kernels on a [64, 4096] activation block, reference (baseline) vs SIMD.</summary>
[MemoryDiagnoser]
public class RowKernelBenchmarks
{
    private const int Rows = 64;
    private const int Cols = 4096;
    private readonly float[] _x = new float[Rows * Cols];
    private readonly float[] _w = new float[Cols];
    private readonly float[] _y = new float[Rows * Cols];

    [Params("reference", "simd")]
    public string Kernels { get; set; } = "simd";

    private IKernels K => Myelin.Numerics.Kernels.Create(Kernels);

    [GlobalSetup]
    public void Setup()
    {
        var rng = new SeededRandom(2);
        for (int i = 0; i < _x.Length; i++)
        {
            _x[i] = (float)rng.NextGaussian();
        }

        Array.Fill(_w, 1f);
    }

    [Benchmark]
    public void Softmax() => K.Softmax(_x, Rows, Cols, _y);

    [Benchmark]
    public void RmsNorm() => K.RmsNorm(_x, _w, Rows, Cols, 1e-5f, _y);

    [Benchmark]
    public void Silu() => K.Silu(_x, _y);
}
