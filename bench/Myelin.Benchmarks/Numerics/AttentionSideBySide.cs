using System.Globalization;
using Myelin.Numerics;

namespace Myelin.Benchmarks.Numerics;

/// <summary>
/// <c>attention [rounds] [threads]</c>: <see cref="SimdKernels.Attention"/> (tiled, scores vectorised across keys)
/// against <see cref="PreviousAttention"/> (the kernel it replaced: one query at a time, one horizontal reduction per
/// score) on the agent-replay model's attention shape (8 query heads on 4 KV heads, head dim 64): a 1,536-token
/// causal prefill, a 256-token chunk continuing a 2,048-token prefix, and one decode step against 3,000 keys; then a
/// short decode (300 keys), a decode on the 1.1B Llama shape (32 query heads on 4 KV heads) and a short prefill.
/// Each round times the previous kernel then the new one (A B A B); the report gives the median of the per-round
/// time ratios (previous / new, above 1 means the new kernel is faster) and the new kernel's GFLOP/s. With one
/// thread the times are process CPU time, so they hold up on a machine loaded by other work.
/// </summary>
public static class AttentionSideBySide
{
    private static readonly (string Name, AttentionShape Shape)[] s_cases =
    [
        ("prefill 1536 x 1536", new AttentionShape(1536, 1536, 8, 4, 64)),
        ("chunk 256 after 2048", new AttentionShape(256, 2304, 8, 4, 64)),
        ("decode 1 x 3000", new AttentionShape(1, 3000, 8, 4, 64)),
        ("decode 1 x 300", new AttentionShape(1, 300, 8, 4, 64)),
        ("decode 1 x 2048, 32 heads on 4 (1.1B)", new AttentionShape(1, 2048, 32, 4, 64)),
        ("prefill 128 x 128", new AttentionShape(128, 128, 8, 4, 64)),
    ];

    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 7;
        Kernels.MaxThreads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        var kernels = (SimdKernels)Kernels.Create("simd");
        Console.WriteLine($"# Attention, previous vs tiled kernel ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC), kernels {kernels.Name}, " +
            $"{Kernels.MaxThreads} threads, {rounds} rounds, load average {File.ReadAllText("/proc/loadavg")[..14]}");
        Console.WriteLine();
        Console.WriteLine("| case | previous ms | tiled ms | median ratio (previous / tiled) | tiled GFLOP/s | max abs difference |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach ((string name, AttentionShape shape) in s_cases)
        {
            float[] q = Random(shape.QueryLength * shape.Heads * shape.HeadDim, 1);
            float[] k = Random(shape.KvLength * shape.KvHeads * shape.HeadDim, 2);
            float[] v = Random(shape.KvLength * shape.KvHeads * shape.HeadDim, 3);
            float[] before = new float[q.Length];
            float[] after = new float[q.Length];
            var a = new List<double>();
            var b = new List<double>();
            var ratios = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                double ta = Time(() => PreviousAttention.Attention(kernels.Level, q, k, v, shape, before));
                double tb = Time(() => kernels.Attention(q, k, v, shape, after));
                a.Add(ta);
                b.Add(tb);
                ratios.Add(ta / tb);
            }

            float diff = 0f;
            for (int i = 0; i < before.Length; i++)
            {
                diff = Math.Max(diff, Math.Abs(before[i] - after[i]));
            }

            double mb = SideBySide.Median(b);
            Console.WriteLine(FormattableString.Invariant(
                $"| {name} | {SideBySide.Median(a) * 1e3:F3} | {mb * 1e3:F3} | {SideBySide.Median(ratios):F2}x | {Flops(shape) / mb / 1e9:F1} | {diff:E1} |"));
        }

        Console.WriteLine();
        Console.WriteLine($"Load average at end: {File.ReadAllText("/proc/loadavg")[..14]}");
        return 0;
    }

    /// <summary>Median seconds per call: wall time, or process CPU time with one thread (robust to a loaded machine).</summary>
    private static double Time(Action action) =>
        Kernels.MaxThreads == 1 ? QuantizedMatMulSideBySide.CpuSeconds(action) : SideBySide.Measure(action);

    /// <summary>Two flops per multiply-add: q.k over the visible keys and p.v over the same keys.</summary>
    private static double Flops(in AttentionShape s)
    {
        double keys = 0;
        for (int t = 0; t < s.QueryLength; t++)
        {
            keys += s.Causal ? Math.Clamp(s.EffectiveQueryOffset + t + 1, 0, s.KvLength) : s.KvLength;
        }

        return keys * s.Heads * s.HeadDim * 4;
    }

    private static float[] Random(int length, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var x = new float[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = (float)rng.NextGaussian();
        }

        return x;
    }
}
