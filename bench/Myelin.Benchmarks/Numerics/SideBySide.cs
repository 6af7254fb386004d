using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using Myelin.Numerics;
using Myelin.Numerics.Quantization;

namespace Myelin.Benchmarks.Numerics;

/// <summary>
/// <c>dotnet run -c Release --project bench/Myelin.Benchmarks -- gemm-vs-numpy [rounds] [--quick]</c>:
/// Myelin GEMM vs numpy/OpenBLAS on the same shapes, interleaved A B A B, plus peak FMA throughput,
/// STREAM-like memory bandwidth and Q8_0/Q4_0 mat-vec effective bandwidth. Writes a Markdown table to stdout.
/// </summary>
public static class SideBySide
{
    private static readonly string[] s_shapes =
    [
        "256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048",
        "1x4096x4096", "1x4096x11008", "64x4096x4096", "64x4096x11008",
    ];

    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 && int.TryParse(args[0], out int r) ? r : 5;
        int threads = Environment.ProcessorCount;
        Kernels.MaxThreads = threads;
        Console.WriteLine($"# Myelin.Numerics side by side ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        Console.WriteLine();
        Console.WriteLine($"CPU threads: {threads}; Vector512 accelerated: {Vector512.IsHardwareAccelerated}; kernels: {Kernels.Default.Name}");
        Console.WriteLine($"Load average at start (1, 5, 15 min): {LoadAverage()}");
        Console.WriteLine($"numpy: {RunPython(threads, ["--info", "--min-seconds", "0.01"]).FirstOrDefault() ?? "(python3-numpy missing)"}");
        Console.WriteLine();

        (double peak1, double peakAll) = (PeakFma(1), PeakFma(threads));
        Console.WriteLine($"Peak FMA (tight Vector512/256 FMA loop): {peak1:F1} GFLOP/s on 1 thread, {peakAll:F1} GFLOP/s on {threads}.");
        Console.WriteLine();

        var ours = s_shapes.ToDictionary(s => s, _ => new List<double>());
        var theirs = s_shapes.ToDictionary(s => s, _ => new List<double>());
        var gemmInputs = s_shapes.ToDictionary(s => s, GemmInput.Create);
        for (int round = 0; round < rounds; round++)
        {
            foreach (string shape in s_shapes)
            {
                ours[shape].Add(gemmInputs[shape].Time());
            }

            foreach (string line in RunPython(threads, ["--min-seconds", "0.3", .. s_shapes]))
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                string shape = doc.RootElement.GetProperty("shape").GetString()!;
                theirs[shape].Add(doc.RootElement.GetProperty("seconds").GetDouble());
            }

            Console.Error.WriteLine($"round {round + 1}/{rounds} done");
        }

        Console.WriteLine("| shape MxKxN | Myelin GFLOP/s | numpy GFLOP/s | median ratio (numpy time / Myelin time) | Myelin % of peak |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (string shape in s_shapes)
        {
            double flops = gemmInputs[shape].Flops;
            double mine = Median(ours[shape]);
            double numpy = theirs[shape].Count > 0 ? Median(theirs[shape]) : double.NaN;
            double ratio = theirs[shape].Count > 0 ? Median(ours[shape].Zip(theirs[shape], (a, b) => b / a).ToList()) : double.NaN;
            Console.WriteLine(
                $"| {shape} | {flops / mine / 1e9:F1} | {flops / numpy / 1e9:F1} | {ratio:F2}x | {100 * flops / mine / 1e9 / peakAll:F0}% |");
        }

        foreach (GemmInput input in gemmInputs.Values)
        {
            input.Dispose();
        }

        Console.WriteLine();
        Bandwidth(rounds, threads);
        Console.WriteLine();
        Console.WriteLine($"Load average at end (1, 5, 15 min): {LoadAverage()}");
        return 0;
    }

    /// <summary>The first three fields of /proc/loadavg, or "n/a" where there is none.</summary>
    private static string LoadAverage()
    {
        try
        {
            return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private static void Bandwidth(int rounds, int threads)
    {
        const int rows = 11008;
        const int cols = 4096;
        var weights = new float[rows * cols];
        new SeededRandom(5).NextSingle();
        var rng = new SeededRandom(6);
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = rng.NextSingle() - 0.5f;
        }

        // Several copies of each weight matrix, used in turn, so one pass over all of them (Q8_0 144 MB, Q4_0 101 MB)
        // far exceeds the 32 MB L3 and every call streams its weights from memory.
        var w8 = new BlockQ8_0[3][];
        var w4 = new BlockQ4_0[4][];
        for (int i = 0; i < w8.Length; i++)
        {
            w8[i] = new BlockQ8_0[rows * cols / 32];
            Q8_0.Quantize(weights, w8[i]);
        }

        for (int i = 0; i < w4.Length; i++)
        {
            w4[i] = new BlockQ4_0[rows * cols / 32];
            Q4_0.Quantize(weights, w4[i]);
        }

        weights = [];
        var x = new float[cols];
        var xq = new BlockQ8_0[cols / 32];
        var y = new float[rows];
        for (int i = 0; i < cols; i++)
        {
            x[i] = rng.NextSingle() - 0.5f;
        }

        IKernels k = Kernels.Default;
        double bytes8 = (double)w8[0].Length * Marshal.SizeOf<BlockQ8_0>();
        double bytes4 = (double)w4[0].Length * Marshal.SizeOf<BlockQ4_0>();
        int next8 = 0;
        int next4 = 0;
        using var stream = new StreamBuffers(64 << 20);
        var copy = new List<double>();
        var triad = new List<double>();
        var q8 = new List<double>();
        var q4 = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            copy.Add(stream.CopyBytes / Measure(() => stream.Copy(threads)));
            triad.Add(stream.TriadBytes / Measure(() => stream.Triad(threads)));
            q8.Add(bytes8 / Measure(() =>
            {
                Q8_0.Quantize(x, xq);
                k.MatVecQ8_0(w8[next8++ % w8.Length], xq, rows, y);
            }));
            q4.Add(bytes4 / Measure(() =>
            {
                Q8_0.Quantize(x, xq);
                k.MatVecQ4_0(w4[next4++ % w4.Length], xq, rows, y);
            }));
        }

        double bw = Median(copy);
        Console.WriteLine($"Memory bandwidth ({threads} threads, 3 x 256 MiB arrays): copy {Median(copy) / 1e9:F1} GB/s, triad {Median(triad) / 1e9:F1} GB/s.");
        Console.WriteLine();
        Console.WriteLine($"Mat-vec weights rotate over {w8.Length} (Q8_0) and {w4.Length} (Q4_0) copies; each call also quantises the activation.");
        Console.WriteLine();
        Console.WriteLine("| mat-vec (11008 x 4096) | weight bytes | effective GB/s | vs copy bandwidth |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| Q8_0 x Q8_0 | {bytes8 / 1e6:F1} MB | {Median(q8) / 1e9:F1} | {Median(q8) / bw:F2}x |");
        Console.WriteLine($"| Q4_0 x Q8_0 | {bytes4 / 1e6:F1} MB | {Median(q4) / 1e9:F1} | {Median(q4) / bw:F2}x |");
    }

    /// <summary>Median seconds per call: warm up once, then time calls until 0.3 s have passed (at least 3).</summary>
    internal static double Measure(Action action)
    {
        action();
        var samples = new List<double>();
        var total = Stopwatch.StartNew();
        while (samples.Count < 3 || total.Elapsed.TotalSeconds < 0.3)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            samples.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }

        return Median(samples);
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    /// <summary>GFLOP/s of independent FMA chains, enough to cover FMA latency on both pipes.</summary>
    private static double PeakFma(int threads)
    {
        const long iterations = 50_000_000;
        double best = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => FmaLoop(iterations));
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            int lanes = Vector512.IsHardwareAccelerated ? 16 : 8;
            best = Math.Max(best, threads * iterations * 12.0 * lanes * 2 / seconds / 1e9);
        }

        return best;
    }

    private static float FmaLoop(long iterations)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> m = Vector512.Create(0.999999f), a = Vector512.Create(1e-7f);
            Vector512<float> s0 = m, s1 = m, s2 = m, s3 = m, s4 = m, s5 = m, s6 = m, s7 = m, s8 = m, s9 = m, s10 = m, s11 = m;
            for (long i = 0; i < iterations; i++)
            {
                s0 = Vector512.FusedMultiplyAdd(s0, m, a);
                s1 = Vector512.FusedMultiplyAdd(s1, m, a);
                s2 = Vector512.FusedMultiplyAdd(s2, m, a);
                s3 = Vector512.FusedMultiplyAdd(s3, m, a);
                s4 = Vector512.FusedMultiplyAdd(s4, m, a);
                s5 = Vector512.FusedMultiplyAdd(s5, m, a);
                s6 = Vector512.FusedMultiplyAdd(s6, m, a);
                s7 = Vector512.FusedMultiplyAdd(s7, m, a);
                s8 = Vector512.FusedMultiplyAdd(s8, m, a);
                s9 = Vector512.FusedMultiplyAdd(s9, m, a);
                s10 = Vector512.FusedMultiplyAdd(s10, m, a);
                s11 = Vector512.FusedMultiplyAdd(s11, m, a);
            }

            return Vector512.Sum(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10 + s11);
        }

        Vector256<float> n = Vector256.Create(0.999999f), b = Vector256.Create(1e-7f);
        Vector256<float> t0 = n, t1 = n, t2 = n, t3 = n, t4 = n, t5 = n, t6 = n, t7 = n, t8 = n, t9 = n, t10 = n, t11 = n;
        for (long i = 0; i < iterations; i++)
        {
            t0 = Vector256.MultiplyAddEstimate(t0, n, b);
            t1 = Vector256.MultiplyAddEstimate(t1, n, b);
            t2 = Vector256.MultiplyAddEstimate(t2, n, b);
            t3 = Vector256.MultiplyAddEstimate(t3, n, b);
            t4 = Vector256.MultiplyAddEstimate(t4, n, b);
            t5 = Vector256.MultiplyAddEstimate(t5, n, b);
            t6 = Vector256.MultiplyAddEstimate(t6, n, b);
            t7 = Vector256.MultiplyAddEstimate(t7, n, b);
            t8 = Vector256.MultiplyAddEstimate(t8, n, b);
            t9 = Vector256.MultiplyAddEstimate(t9, n, b);
            t10 = Vector256.MultiplyAddEstimate(t10, n, b);
            t11 = Vector256.MultiplyAddEstimate(t11, n, b);
        }

        return Vector256.Sum(t0 + t1 + t2 + t3 + t4 + t5 + t6 + t7 + t8 + t9 + t10 + t11);
    }

    private static List<string> RunPython(int threads, string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(FindRepoRoot(), "bench", "scripts", "numerics_gemm.py"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // Same thread count on both sides; the CORETYPE/L2 overrides set on this machine slow current OpenBLAS.
        psi.Environment["OPENBLAS_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        psi.Environment.Remove("OPENBLAS_CORETYPE");
        psi.Environment.Remove("OPENBLAS_L2_SIZE");
        try
        {
            using Process process = Process.Start(psi)!;
            var lines = new List<string>();
            while (process.StandardOutput.ReadLine() is { } line)
            {
                lines.Add(line);
            }

            process.WaitForExit();
            return lines;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return [];
        }
    }

    private static string FindRepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Myelin.slnx")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? Directory.GetCurrentDirectory();
    }
}
