using System.Diagnostics;
using System.Globalization;
using Myelin.Inference;
using Myelin.Inference.Caching;
using Myelin.Inference.Models;
using Myelin.Models.Formats;

namespace Myelin.Benchmarks.Inference;

/// <summary>
/// Side by side: restoring a long prefix's KV from the disk tier (A) vs recomputing it with a prefill (B), on a
/// synthesized Qwen2-shaped Q8_0 model, interleaved A B A B; reports each round and the median ratio B / A.
/// </summary>
public static class KvRestoreSideBySide
{
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
            var ratios = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                KvSequence restored = model.CreateSequence(tokens + 1);
                var clock = Stopwatch.StartNew();
                int loaded = tier.Restore(CacheTenant.Default, prompt, restored, 0);
                double restore = clock.Elapsed.TotalMilliseconds;
                if (loaded != tokens)
                {
                    throw new InvalidOperationException($"restored {loaded} of {tokens} tokens");
                }

                KvSequence recomputed = model.CreateSequence(tokens + 1);
                clock.Restart();
                model.Prefill(recomputed, prompt, logits);
                double prefill = clock.Elapsed.TotalMilliseconds;
                ratios.Add(prefill / restore);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1}: restore {restore,8:F1} ms ({bytes / 1e6 / restore:F2} GB/s)   prefill {prefill,9:F1} ms   ratio {prefill / restore,6:F1}x"));
            }

            ratios.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median ratio prefill / restore: {ratios[ratios.Count / 2]:F1}x"));
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
