using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace Myelin.Benchmarks.Training;

/// <summary>BenchmarkDotNet view of one training step (forward + backward + update) of each workload.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, warmupCount: 3, iterationCount: 10)]
public class TrainingStepBenchmarks
{
    private ITrainingWorkload _workload = null!;

    [Params("mlp", "lm")]
    public string Workload { get; set; } = "mlp";

    [GlobalSetup]
    public void Setup() => _workload = TrainingWorkloads.Create(Workload);

    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    [Benchmark]
    public float TrainingStep() => _workload.Step();
}
