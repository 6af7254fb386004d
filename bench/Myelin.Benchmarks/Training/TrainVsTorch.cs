using System.Diagnostics;
using System.Globalization;
using Myelin.Numerics;

namespace Myelin.Benchmarks.Training;

/// <summary>
/// Side-by-side runner: <c>dotnet run -c Release --project bench/Myelin.Benchmarks -- train-vs-torch [--rounds 5]
/// [--steps 10] [--threads N] [--workloads mlp,lm] [--torch off]</c>. For each workload it alternates Myelin (A) and PyTorch
/// (B, bench/scripts/train_torch.py via /usr/bin/python3) for the given number of rounds; each side reports the
/// median step time of its round after warm-up, and the result is the median of the per-round ratios B/A
/// (above 1 means Myelin is faster).
/// </summary>
public static class TrainVsTorch
{
    public static int Run(string[] args)
    {
        int rounds = Option(args, "--rounds", 5);
        int steps = Option(args, "--steps", 10);
        int threads = Option(args, "--threads", Environment.ProcessorCount);
        string[] workloads = OptionString(args, "--workloads", "mlp,lm").Split(',');
        string python = OptionString(args, "--python", "/usr/bin/python3");
        string script = OptionString(args, "--script", FindScript());
        bool withTorch = OptionString(args, "--torch", "on") != "off";
        Kernels.MaxThreads = threads;
        Console.WriteLine($"threads={threads} rounds={rounds} steps={steps} cpu={Environment.ProcessorCount}");
        foreach (string name in workloads)
        {
            var ratios = new List<double>();
            var ours = new List<double>();
            var theirs = new List<double>();
            using ITrainingWorkload w = TrainingWorkloads.Create(name);

            // Tiered JIT: let the hot loops reach optimised code before the first timed round.
            for (int i = 0; i < 20; i++)
            {
                w.Step();
            }

            for (int r = 0; r < rounds; r++)
            {
                double a = MeasureMyelin(w, steps);
                double b = withTorch ? MeasureTorch(python, script, name, steps, threads) : double.NaN;
                ours.Add(a);
                theirs.Add(b);
                ratios.Add(b / a);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} round {r}: myelin {a:F2} ms  torch {b:F2} ms  torch/myelin {b / a:F2}x"));
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{name}: median myelin {Median(ours):F2} ms, median torch {Median(theirs):F2} ms, median ratio (torch/myelin) {Median(ratios):F2}x"));
        }

        return 0;
    }

    private static double MeasureMyelin(ITrainingWorkload w, int steps)
    {
        for (int i = 0; i < 3; i++)
        {
            w.Step();
        }

        var times = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            w.Step();
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }

        return Median(times);
    }

    private static double MeasureTorch(string python, string script, string name, int steps, int threads)
    {
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { script, "--workload", name, "--steps", steps.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("Could not start python.");
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"train_torch.py failed ({p.ExitCode}): {output}");
        }

        string line = output.Split('\n').Last(l => l.StartsWith("median_ms=", StringComparison.Ordinal));
        return double.Parse(line["median_ms=".Length..], CultureInfo.InvariantCulture);
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] v = [.. values.Order()];
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string OptionString(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static string FindScript()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string candidate = Path.Combine(dir, "bench", "scripts", "train_torch.py");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine("bench", "scripts", "train_torch.py");
    }
}
