using BenchmarkDotNet.Attributes;
using Myelin.Numerics;

namespace Myelin.Benchmarks.Numerics;

/// <summary>SIMD GEMM on square and LLM shapes (row-major A [M, K] times B [K, N]).</summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private GemmInput? _input;

    [Params("256x256x256", "1024x1024x1024", "1x4096x4096", "64x4096x4096")]
    public string Shape { get; set; } = "256x256x256";

    [GlobalSetup]
    public void Setup() => _input = GemmInput.Create(Shape);

    [GlobalCleanup]
    public void Cleanup() => _input?.Dispose();

    [Benchmark]
    public void Gemm() => _input!.Run(Kernels.Default);
}
