using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Myelin.Inference;
using Myelin.Inference.Caching;
using Myelin.Inference.Models;
using Myelin.Inference.Sampling;
using Myelin.Inference.Scheduling;
using Myelin.Models.Formats;

namespace Myelin.Benchmarks.Inference;

/// <summary>
/// What the prefix cache costs when it never hits: the same batch of requests, every prompt unique from its first
/// token, through one <see cref="EngineScheduler"/> with the cache on (A, it looks up, loads nothing, stores every
/// finished sequence and evicts) and one without a cache (B), interleaved A B B A A B (each round alternates which
/// runs first); reports throughput (prompt plus generated tokens per second) per round and the median of the
/// per-round loss 1 - A / B, and the time the cache-on scheduler's thread spent inside the cache
/// (<see cref="EngineScheduler.PrefixCacheTime"/>) as a share of its wall time: a direct measurement of the cost, far
/// less noisy than the difference of two throughputs on a shared machine.
/// </summary>
public static class PrefixMissSideBySide
{
    private static int s_first;

    public static async Task<int> RunAsync(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        int requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
        int promptLength = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 256;
        int generate = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 32;
        string directory = Path.Combine(Path.GetTempPath(), "myelin-prefix-miss-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            // The agent-replay model: 25.7M parameters, Qwen2 shape, Q8_0.
            string path = Path.Combine(directory, "model.gguf");
            var shape = new ModelShape(ModelArchitecture.Qwen2, 4096, 4096, 512, 8, 1408, 8, 4, TiedEmbeddings: true);
            ModelSynthesizer.Write(new SynthesisOptions(shape, GgmlType.Q8_0, Seed: 3), path);
            using InferenceModel model = InferenceModel.Open(path);
            KvSequence probe = model.CreateSequence(1);

            // A pool smaller than the rounds' tokens, so storing also evicts (what a busy server at 0% hits does).
            var cache = new RadixPrefixCache(new KvBlockPool(512, 16, probe.LayerCount, probe.KvDim));
            using var withCache = new EngineScheduler(model, cache, name: "cache-on");
            using var withoutCache = new EngineScheduler(model, null, name: "cache-off");

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"prefix-miss: {requests} concurrent requests x ({promptLength} prompt + {generate} generated) tokens, unique prompts, {rounds} rounds of A (cache on) and B (cache off), alternating which runs first"));
            Console.WriteLine("load: " + File.ReadAllText("/proc/loadavg").Trim());
            var random = new Random(17);
            await ThroughputAsync(withCache, Prompts(random, 2, 16, shape.VocabSize), 4);
            await ThroughputAsync(withoutCache, Prompts(random, 2, 16, shape.VocabSize), 4);

            // Steady state, as on a server that has run a while: fill the pool (its blocks allocated and touched, every
            // later store evicting) before measuring, so no round pays the pool's first-use allocations.
            while (cache.Pool.FreeBlocks > 0)
            {
                await ThroughputAsync(withCache, Prompts(random, requests, promptLength, shape.VocabSize), 1);
            }

            var losses = new List<double>();
            var cpuLosses = new List<double>();
            var cacheShares = new List<double>();
            for (int round = 1; round <= rounds; round++)
            {
                int[][] prompts = Prompts(random, requests, promptLength, shape.VocabSize);
                // Alternate which side runs first, so neither always runs on a machine the other has just warmed.
                Rate on, off;
                TimeSpan cacheBefore = withCache.PrefixCacheTime;
                if (round % 2 == 1)
                {
                    on = await ThroughputAsync(withCache, prompts, generate);
                    off = await ThroughputAsync(withoutCache, prompts, generate);
                }
                else
                {
                    off = await ThroughputAsync(withoutCache, prompts, generate);
                    on = await ThroughputAsync(withCache, prompts, generate);
                }

                losses.Add(1 - (on.Wall / off.Wall));
                cpuLosses.Add(1 - (on.Cpu / off.Cpu));
                double cacheSeconds = (withCache.PrefixCacheTime - cacheBefore).TotalSeconds;
                cacheShares.Add(cacheSeconds / on.Seconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: cache on {on.Wall,8:F1} tok/s ({on.Cpu:F1}/cpu-s)   cache off {off.Wall,8:F1} tok/s ({off.Cpu:F1}/cpu-s)   loss {100 * losses[^1],6:F2}% (cpu {100 * cpuLosses[^1]:F2}%)   engine time in the cache {1000 * cacheSeconds:F1} ms = {100 * cacheShares[^1]:F3}%   hits so far {cache.HitTokens}"));
            }

            losses.Sort();
            cpuLosses.Sort();
            cacheShares.Sort();
            Console.WriteLine("load: " + File.ReadAllText("/proc/loadavg").Trim());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median throughput loss, cache on vs off at 0% hits: {100 * losses[losses.Count / 2]:F2}% wall, {100 * cpuLosses[cpuLosses.Count / 2]:F2}% per CPU second; engine time spent in the cache (measured inside the scheduler) {100 * cacheShares[cacheShares.Count / 2]:F3}% of the cache-on wall time (max {100 * cacheShares[^1]:F3}%); cache hit tokens {cache.HitTokens} of {cache.QueryTokens} queried"));
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Prompts whose first tokens all differ (and differ from every earlier round's), so no prefix is shared.</summary>
    private static int[][] Prompts(Random random, int count, int length, int vocab)
    {
        var prompts = new int[count][];
        for (int i = 0; i < count; i++)
        {
            prompts[i] = [.. Enumerable.Range(0, length).Select(_ => random.Next(vocab))];
            prompts[i][0] = s_first++ % vocab;
        }

        return prompts;
    }

    /// <summary>
    /// Submits every prompt at once (greedy, a fixed number of tokens each) and returns tokens per wall-clock second and
    /// per CPU second of this process (less disturbed by other processes on a shared machine, though it also counts
    /// the kernel threads' polling).
    /// </summary>
    private static async Task<Rate> ThroughputAsync(EngineScheduler scheduler, int[][] prompts, int generate)
    {
        var sampling = new SamplingOptions { Temperature = 0f, MaxTokens = generate };
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        ChannelReader<GenerationEvent>[] streams = [.. prompts.Select(p => scheduler.Submit(new GenerationRequest(p, sampling, CacheTenant.Default)))];
        int[] counts = await Task.WhenAll(streams.Select(CountAsync));
        long tokens = counts.Sum();

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        long total = tokens + prompts.Sum(p => (long)p.Length);
        return new Rate(total / seconds, total / cpuSeconds, seconds);
    }

    private static async Task<int> CountAsync(ChannelReader<GenerationEvent> stream)
    {
        int n = 0;
        await foreach (GenerationEvent e in stream.ReadAllAsync().ConfigureAwait(false))
        {
            if (e.Stop != StopReason.StopToken)
            {
                n++;
            }
        }

        return n;
    }

    private readonly record struct Rate(double Wall, double Cpu, double Seconds);
}
