using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Myelin.Inference;
using Myelin.Inference.Caching;
using Myelin.Inference.Models;
using Myelin.Models.Formats;

namespace Myelin.Benchmarks.Inference;

/// <summary>
/// Side by side: restoring a long prefix's KV from the disk tier vs recomputing it with a prefill, on a synthesized
/// Qwen2-shaped Q8_0 model, interleaved per round: a cold restore (the tier's files dropped from the OS page cache
/// first, so the bytes come from the disk), a warm restore (the files still in the page cache) and the prefill;
/// reports each round and the median ratios. Restores go into one reused sequence, as the scheduler's
/// <c>SequencePool</c> gives a request one that earlier requests already faulted in.
/// </summary>
/// <remarks>
/// Dropping a file from the page cache uses <c>posix_fadvise(POSIX_FADV_DONTNEED)</c> after an fsync, which works
/// without root. On a VM the host may still hold the disk image in its own cache, so "cold" here means "through
/// the guest's block device", not necessarily "from the physical disk".
/// </remarks>
public static partial class KvRestoreSideBySide
{
    private const int FadviseDontNeed = 4;

    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        int tokens = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4096;
        string directory = Path.Combine(Path.GetTempPath(), "myelin-kv-restore-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string path = Path.Combine(directory, "model.gguf");
            var shape = new ModelShape(ModelArchitecture.Qwen2, 4096, tokens + 16, 512, 8, 1408, 8, 4, TiedEmbeddings: true);
            ModelSynthesizer.Write(new SynthesisOptions(shape, GgmlType.Q8_0, Seed: 3), path);
            using InferenceModel model = InferenceModel.Open(path);
            int[] prompt = [.. Enumerable.Range(0, tokens).Select(i => (i * 31 + 7) % shape.VocabSize)];
            var logits = new float[shape.VocabSize];

            KvSequence source = model.CreateSequence(tokens + 1);
            model.Prefill(source, prompt, logits);
            var tier = new DiskKvTier(Path.Combine(directory, "kv"), DiskKvTier.Fingerprint(model), source.LayerCount, source.KvDim);
            tier.Spill(
                CacheTenant.Default,
                prompt,
                [.. Enumerable.Range(0, source.LayerCount).Select(l => source.Keys(l).ToArray())],
                [.. Enumerable.Range(0, source.LayerCount).Select(l => source.Values(l).ToArray())]);
            long bytes = 2L * source.LayerCount * tokens * source.KvDim * sizeof(float);

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"kv-restore: {tokens} tokens, {shape.ParameterCount:N0} parameters Q8_0, KV {bytes / 1048576.0:F1} MiB; {rounds} rounds A (restore) B (prefill)"));
            string tierDirectory = Path.Combine(directory, "kv");
            var coldRatios = new List<double>();
            var warmRatios = new List<double>();
            KvSequence target = model.CreateSequence(tokens + 1);
            for (int round = 0; round < rounds; round++)
            {
                int dropped = DropFromPageCache(tierDirectory);
                double cold = TimeRestore(tier, target, prompt, tokens);
                double warm = TimeRestore(tier, target, prompt, tokens);

                KvSequence recomputed = model.CreateSequence(tokens + 1);
                var clock = Stopwatch.StartNew();
                model.Prefill(recomputed, prompt, logits);
                double prefill = clock.Elapsed.TotalMilliseconds;
                coldRatios.Add(prefill / cold);
                warmRatios.Add(prefill / warm);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1}: cold restore {cold,8:F1} ms ({bytes / 1e6 / cold:F2} GB/s, {dropped} files dropped from the page cache)   warm restore {warm,7:F1} ms ({bytes / 1e6 / warm:F2} GB/s)   prefill {prefill,9:F1} ms   ratios {prefill / cold,6:F1}x cold, {prefill / warm,6:F1}x warm"));
            }

            coldRatios.Sort();
            warmRatios.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median ratio prefill / restore: {coldRatios[coldRatios.Count / 2]:F1}x cold, {warmRatios[warmRatios.Count / 2]:F1}x warm"));
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Restores into <paramref name="restored"/> emptied, as the scheduler restores into a sequence from its pool.</summary>
    private static double TimeRestore(DiskKvTier tier, KvSequence restored, int[] prompt, int tokens)
    {
        restored.Truncate(0);
        var clock = Stopwatch.StartNew();
        int loaded = tier.Restore(CacheTenant.Default, prompt, restored, 0);
        double elapsed = clock.Elapsed.TotalMilliseconds;
        return loaded == tokens ? elapsed : throw new InvalidOperationException($"restored {loaded} of {tokens} tokens");
    }

    /// <summary>Flushes every file under <paramref name="directory"/> to disk and drops it from the page cache.</summary>
    private static int DropFromPageCache(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The cold restore needs posix_fadvise (Linux).");
        }

        int count = 0;
        foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            stream.Flush(flushToDisk: true);
            int error = PosixFadvise(stream.SafeFileHandle, 0, 0, FadviseDontNeed);
            if (error != 0)
            {
                throw new IOException($"posix_fadvise({file}) failed with error {error}.");
            }

            count++;
        }

        return count;
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(SafeFileHandle handle, long offset, long length, int advice);
}
