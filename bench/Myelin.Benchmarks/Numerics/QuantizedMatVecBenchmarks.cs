using BenchmarkDotNet.Attributes;
using Myelin.Numerics;
using Myelin.Numerics.Quantization;

namespace Myelin.Benchmarks.Numerics;

/// <summary>Decode-step mat-vec (4096 x 4096) on Q8_0 and Q4_0 weights, reference vs SIMD.</summary>
[MemoryDiagnoser]
public class QuantizedMatVecBenchmarks
{
    private const int Rows = 4096;
    private const int Cols = 4096;
    private readonly BlockQ8_0[] _w8 = new BlockQ8_0[Rows * Cols / 32];
    private readonly BlockQ4_0[] _w4 = new BlockQ4_0[Rows * Cols / 32];
    private readonly BlockQ8_0[] _x = new BlockQ8_0[Cols / 32];
    private readonly float[] _y = new float[Rows];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new SeededRandom(1);
        float[] w = new float[Rows * Cols];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = rng.NextSingle() - 0.5f;
        }

        Q8_0.Quantize(w, _w8);
        Q4_0.Quantize(w, _w4);
        Q8_0.Quantize(w.AsSpan(0, Cols), _x);
    }

    [Benchmark(Baseline = true)]
    public void Q8_0_Reference() => Kernels.Reference.MatVecQ8_0(_w8, _x, Rows, _y);

    [Benchmark]
    public void Q8_0_Simd() => Kernels.Default.MatVecQ8_0(_w8, _x, Rows, _y);

    [Benchmark]
    public void Q4_0_Simd() => Kernels.Default.MatVecQ4_0(_w4, _x, Rows, _y);
}
