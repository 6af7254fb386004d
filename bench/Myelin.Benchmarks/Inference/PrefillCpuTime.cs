using System.Diagnostics;
using System.Globalization;
using Myelin.Inference;
using Myelin.Numerics;

namespace Myelin.Benchmarks.Inference;

/// <summary>
/// <c>prefill-cpu PROMPT MODEL.gguf...</c>: prefills PROMPT tokens on one thread and reports tokens per second of
/// process CPU time (three runs after a warm-up). CPU time leaves out the time slices other processes take, so the
/// number holds up on a loaded machine where wall-clock prefill rates do not; it is a per-core rate, not a
/// side-by-side result (that is <c>decode</c>).
/// </summary>
public static class PrefillCpuTime
{
    public static int Run(string[] args)
    {
        if (args.Length < 2 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out int promptLength) || promptLength < 1)
        {
            Console.Error.WriteLine("usage: prefill-cpu PROMPT MODEL.gguf...");
            return 2;
        }

        Kernels.MaxThreads = 1;
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg")[..14]}");
        foreach (string path in args[1..])
        {
            using InferenceModel model = InferenceModel.Open(path, threads: 1);
            int vocab = model.Shape.VocabSize;
            int[] prompt = [.. Enumerable.Range(0, promptLength).Select(i => 1 + ((i * 7919) % (vocab - 1)))];
            var logits = new float[vocab];
            model.Prefill(model.CreateSequence(16), prompt.AsSpan(0, Math.Min(16, promptLength)), logits);
            using var process = Process.GetCurrentProcess();
            for (int round = 0; round < 3; round++)
            {
                KvSequence seq = model.CreateSequence(promptLength);
                process.Refresh();
                TimeSpan cpu0 = process.TotalProcessorTime;
                model.Prefill(seq, prompt, logits, chunkSize: promptLength);
                process.Refresh();
                double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
                Console.WriteLine(FormattableString.Invariant(
                    $"{Path.GetFileName(path)}: prefill {promptLength} tokens in {cpu * 1e3:F0} ms of CPU = {promptLength / cpu:F1} tok/s per core"));
            }
        }

        return 0;
    }
}
