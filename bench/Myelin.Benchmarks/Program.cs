using BenchmarkDotNet.Running;
using Myelin.Benchmarks.Numerics;
using Myelin.Benchmarks.Storage;

if (args.Length > 0 && args[0] == "gemm-vs-numpy")
{
    return SideBySide.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "train-vs-torch")
{
    return Myelin.Benchmarks.Training.TrainVsTorch.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "log-append")
{
    return LogAppendSideBySide.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "span-ingest")
{
    return Myelin.Benchmarks.Evals.SpanIngestSideBySide.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "trace-list")
{
    return Myelin.Benchmarks.Evals.TraceListLatency.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "memory-quality")
{
    return Myelin.Benchmarks.Memory.MemoryQuality.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "memory-scale")
{
    return Myelin.Benchmarks.Memory.MemoryScale.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "kv-restore")
{
    return Myelin.Benchmarks.Inference.KvRestoreSideBySide.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "prefix-miss")
{
    return await Myelin.Benchmarks.Inference.PrefixMissSideBySide.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "prefill-cpu")
{
    return Myelin.Benchmarks.Inference.PrefillCpuTime.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "qgemm")
{
    return Myelin.Benchmarks.Numerics.QuantizedMatMulSideBySide.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "attention")
{
    return AttentionSideBySide.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "decode")
{
    return Myelin.Benchmarks.Inference.DecodeSideBySide.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
