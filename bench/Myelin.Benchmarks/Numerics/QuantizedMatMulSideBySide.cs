using System.Globalization;
using Myelin.Numerics;
using Myelin.Numerics.Quantization;

namespace Myelin.Benchmarks.Numerics;

/// <summary>
/// <c>qgemm [rounds] [tokens] [threads]</c>: the prefill product of the 1.1B Llama shape (rows x cols of its attention,
/// FFN and down projections, Q8_0 and Q4_0) as one register-tiled <see cref="IKernels.MatMulQ8_0"/> call (A) against
/// one <see cref="IKernels.MatVecQ8_0"/> per token (B), interleaved A B A B; prints the median of the per-round
/// time ratios B / A and the integer throughput of A (two ops per int8 multiply-add). Weights rotate over copies
/// that together overflow the L3, so each call streams them from memory. With one thread the times are
/// process CPU time, not wall time, so they hold up on a machine loaded by other work (time slices lost to other
/// processes do not count).
/// </summary>
public static class QuantizedMatMulSideBySide
{
    private static readonly (int Rows, int Cols)[] s_shapes = [(2048, 2048), (5632, 2048), (2048, 5632)];

    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        int tokens = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 128;
        if (args.Length > 2)
        {
            Kernels.MaxThreads = int.Parse(args[2], CultureInfo.InvariantCulture);
        }

        IKernels k = Kernels.Default;
        Console.WriteLine($"# Quantised mat-mat vs per-token mat-vec ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC), kernels {k.Name}, " +
            $"{Kernels.MaxThreads} threads, {tokens} tokens, load average {File.ReadAllText("/proc/loadavg")[..14]}");
        Console.WriteLine();
        Console.WriteLine("| type | rows x cols | mat-mat ms | per-token mat-vec ms | median ratio | mat-mat GOP/s |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach ((int rows, int cols) in s_shapes)
        {
            int blocks = cols / 32;
            var rng = new SeededRandom((ulong)rows + (ulong)cols);
            float[] w = new float[rows * cols];
            float[] x = new float[tokens * cols];
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = rng.NextSingle() - 0.5f;
            }

            for (int i = 0; i < x.Length; i++)
            {
                x[i] = rng.NextSingle() - 0.5f;
            }

            // Enough copies of the weights, used in turn, that one round over them (>= 96 MB) overflows the 32 MB L3:
            // every call reads its weights from memory, as a forward pass over a 1.1B model does.
            int copies = Math.Max(1, (96 << 20) / (rows * blocks * 18));
            var w8 = new BlockQ8_0[copies][];
            var w4 = new BlockQ4_0[copies][];
            for (int c = 0; c < copies; c++)
            {
                w8[c] = new BlockQ8_0[rows * blocks];
                w4[c] = new BlockQ4_0[rows * blocks];
                Q8_0.Quantize(w, w8[c]);
                Q4_0.Quantize(w, w4[c]);
            }

            var xq = new BlockQ8_0[tokens * blocks];
            Q8_0.Quantize(x, xq);
            float[] y = new float[tokens * rows];
            int next = 0;
            Compare("Q8_0", rows, cols, tokens, rounds,
                () => k.MatMulQ8_0(w8[next++ % copies], xq, rows, tokens, y),
                () =>
                {
                    BlockQ8_0[] wc = w8[next++ % copies];
                    for (int t = 0; t < tokens; t++)
                    {
                        k.MatVecQ8_0(wc, xq.AsSpan(t * blocks, blocks), rows, y.AsSpan(t * rows, rows));
                    }
                });
            Compare("Q4_0", rows, cols, tokens, rounds,
                () => k.MatMulQ4_0(w4[next++ % copies], xq, rows, tokens, y),
                () =>
                {
                    BlockQ4_0[] wc = w4[next++ % copies];
                    for (int t = 0; t < tokens; t++)
                    {
                        k.MatVecQ4_0(wc, xq.AsSpan(t * blocks, blocks), rows, y.AsSpan(t * rows, rows));
                    }
                });
        }

        Console.WriteLine();
        Console.WriteLine($"Load average at end: {File.ReadAllText("/proc/loadavg")[..14]}");
        return 0;
    }

    private static void Compare(string type, int rows, int cols, int tokens, int rounds, Action matMul, Action matVecs)
    {
        var a = new List<double>();
        var b = new List<double>();
        var ratios = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            double ta = Kernels.MaxThreads == 1 ? CpuSeconds(matMul) : SideBySide.Measure(matMul);
            double tb = Kernels.MaxThreads == 1 ? CpuSeconds(matVecs) : SideBySide.Measure(matVecs);
            a.Add(ta);
            b.Add(tb);
            ratios.Add(tb / ta);
        }

        double ops = 2.0 * rows * cols * tokens;
        double ma = SideBySide.Median(a);
        Console.WriteLine(FormattableString.Invariant(
            $"| {type} | {rows} x {cols} | {ma * 1e3:F2} | {SideBySide.Median(b) * 1e3:F2} | {SideBySide.Median(ratios):F2}x | {ops / ma / 1e9:F0} |"));
    }

    /// <summary>Median process CPU seconds per call: warm up once, then time calls until 0.3 s of CPU have passed (at least 3).</summary>
    internal static double CpuSeconds(Action action)
    {
        action();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var samples = new List<double>();
        double total = 0;
        while (samples.Count < 3 || total < 0.3)
        {
            process.Refresh();
            TimeSpan t0 = process.TotalProcessorTime;
            action();
            process.Refresh();
            double seconds = (process.TotalProcessorTime - t0).TotalSeconds;
            samples.Add(seconds);
            total += seconds;
        }

        return SideBySide.Median(samples);
    }
}
