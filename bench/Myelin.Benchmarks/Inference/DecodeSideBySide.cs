using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Myelin.Benchmarks.Numerics;
using Myelin.Inference;
using Myelin.Inference.Models;
using Myelin.Models.Formats;
using Myelin.Models.Tokenization;

namespace Myelin.Benchmarks.Inference;

/// <summary>
/// Prefill and decode of a 1.1B-parameter Llama-shaped model (TinyLlama's shape) in Q8_0 and Q4_0, next to a
/// STREAM-like copy and a read-only sum (the memory traffic of a decode step, which only reads weights; the better of
/// a sequential and a four-stream prefetched read) measured in the same rounds, and optionally next to llama.cpp's <c>llama-bench</c> on the same
/// files; every round runs copy, Myelin and llama.cpp back to back per type (A B A B), and the report gives the median
/// of the per-round ratios.
/// </summary>
/// <remarks>
/// The models are synthesized once (seeded weights, a 32,000-piece SentencePiece vocabulary so llama.cpp can load
/// them) into the model folder and kept there for later runs; nothing is written into the repository.
/// </remarks>
public static class DecodeSideBySide
{
    /// <summary>TinyLlama-1.1B's shape: width 2048, 22 blocks, 32 query / 4 KV heads, FFN 5632, 32k vocabulary, untied output.</summary>
    public static ModelShape Shape { get; } = new(
        ModelArchitecture.Llama, VocabSize: 32000, ContextLength: 2048, EmbeddingLength: 2048, BlockCount: 22,
        FeedForwardLength: 5632, HeadCount: 32, HeadCountKv: 4, RopeFreqBase: 10000f, RmsNormEpsilon: 1e-5f, TiedEmbeddings: false);

    public static int Run(string[] args)
    {
        var options = DecodeBenchOptions.Parse(args);
        int threads = Math.Min(options.Threads, Environment.ProcessorCount);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"decode: {Shape.ParameterCount / 1e9:F2}B-parameter Llama shape, prompt {options.Prompt}, generate {options.Generate}, {options.Rounds} rounds, {threads} threads, weights {(options.Mapped ? "mapped" : "resident")}"));
        Console.WriteLine("load: " + Load());
        using var stream = new StreamBuffers(64 << 20);
        var rows = new List<RoundResult>();
        var models = options.Types.ToDictionary(t => t, t => EnsureModel(options.ModelDirectory, t));
        for (int round = 1; round <= options.Rounds; round++)
        {
            foreach (GgmlType type in options.Types)
            {
                // The references are measured right before and right after the timed decode: the host's memory
                // bandwidth can change within seconds (copy 42 -> 78 GB/s on the 2-core VM), and a round whose two
                // measurements disagree is reported but left out of the bytes/s medians.
                (double prefill, double decode, long bytes, Bandwidth before, Bandwidth after) =
                    MeasureMyelin(models[type], options, threads, () => Reference(stream, threads));
                (double llamaPrefill, double llamaDecode) = options.LlamaBench is { } bench
                    ? MeasureLlama(bench, models[type], options, threads)
                    : (double.NaN, double.NaN);
                var row = new RoundResult(
                    round, type, before, after, prefill, decode, decode * bytes / 1e9, llamaPrefill, llamaDecode);
                rows.Add(row);
                Console.WriteLine(row.Format());
            }
        }

        Console.WriteLine("load: " + Load());
        foreach (GgmlType type in options.Types)
        {
            RoundResult[] r = [.. rows.Where(x => x.Type == type)];
            RoundResult[] steady = [.. r.Where(x => x.Steady)];
            string line = string.Create(CultureInfo.InvariantCulture,
                $"{type}: median decode {Median(r.Select(x => x.Decode)):F2} tok/s, prefill {Median(r.Select(x => x.Prefill)):F1} tok/s, decode bytes/s over the {steady.Length} of {r.Length} rounds with a steady memory state: / copy {Median(steady.Select(x => x.DecodeGbps / x.CopyGbps)):F3} (min {Min(steady.Select(x => x.DecodeGbps / x.CopyGbps)):F3}), / read {Median(steady.Select(x => x.DecodeGbps / x.ReadGbps)):F3} (min {Min(steady.Select(x => x.DecodeGbps / x.ReadGbps)):F3})");
            if (options.LlamaBench is not null)
            {
                line += string.Create(CultureInfo.InvariantCulture,
                    $", llama.cpp decode {Median(r.Select(x => x.LlamaDecode)):F2} tok/s, prefill {Median(r.Select(x => x.LlamaPrefill)):F1} tok/s; median ratios decode {Median(r.Select(x => x.Decode / x.LlamaDecode)):F3}x, prefill {Median(r.Select(x => x.Prefill / x.LlamaPrefill)):F3}x");
            }

            Console.WriteLine(line);
        }

        return 0;
    }

    /// <summary>The GGUF file of <paramref name="type"/> in <paramref name="directory"/>, synthesized when missing.</summary>
    public static string EnsureModel(string directory, GgmlType type)
    {
        string path = Path.Combine(directory, $"llama-1.1b-{type.ToString().ToLowerInvariant()}.gguf");
        if (!File.Exists(path))
        {
            var clock = Stopwatch.StartNew();
            TokenizerVocabulary vocabulary = SyntheticVocabulary.SentencePiece(Shape.VocabSize, seed: 1);
            string partial = path + ".partial";
            ModelSynthesizer.Write(
                new SynthesisOptions(Shape, type, Seed: 1) { Name = "myelin-llama-1.1b", Tokenizer = new VocabularyMetadataSource(vocabulary) }, partial);
            File.Move(partial, path, overwrite: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"synthesized {path} ({new FileInfo(path).Length / 1e9:F2} GB) in {clock.Elapsed.TotalSeconds:F0} s"));
        }

        return path;
    }

    /// <summary>GB/s of the best of five timed runs of <paramref name="pass"/> (after one warm-up) moving <paramref name="bytes"/>.</summary>
    private static double BestGbps(double bytes, Action pass)
    {
        pass();
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            long start = Stopwatch.GetTimestamp();
            pass();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return bytes / best / 1e9;
    }

    /// <summary>Prefill tok/s of the prompt and decode tok/s of the generated tokens (greedy), as llama-bench times them.</summary>
    /// <summary>A STREAM-like copy and the better of two read patterns (one sequential stream, or four prefetched streams per thread).</summary>
    private static Bandwidth Reference(StreamBuffers stream, int threads) => new(
        BestGbps(stream.CopyBytes, () => stream.Copy(threads)),
        Math.Max(BestGbps(stream.ReadBytes, () => stream.Read(threads)), BestGbps(stream.ReadBytes, () => stream.ReadStreams(threads))));

    private static (double Prefill, double Decode, long Bytes, Bandwidth Before, Bandwidth After) MeasureMyelin(
        string path, DecodeBenchOptions options, int threads, Func<Bandwidth> reference)
    {
        using InferenceModel model = InferenceModel.Open(path, threads: threads, placement: options.Mapped ? WeightPlacement.Mapped : WeightPlacement.Resident);
        int[] prompt = [.. Enumerable.Range(0, options.Prompt).Select(i => 1 + ((i * 7919) % (Shape.VocabSize - 1)))];
        var logits = new float[Shape.VocabSize];

        // Warm up (page in the weights, JIT the kernels) on a short prompt and a few tokens, as llama-bench's warm-up run does.
        KvSequence warm = model.CreateSequence(64);
        model.Prefill(warm, prompt.AsSpan(0, Math.Min(16, prompt.Length)), logits);
        for (int i = 0; i < 4; i++)
        {
            model.Decode(warm, 1, logits);
        }

        KvSequence seq = model.CreateSequence(options.Prompt + options.Generate);
        long start = Stopwatch.GetTimestamp();
        model.Prefill(seq, prompt, logits, chunkSize: options.Prompt);
        double prefill = options.Prompt / Stopwatch.GetElapsedTime(start).TotalSeconds;

        // Decode as llama-bench's tg test does: from an empty context, one token at a time.
        KvSequence gen = model.CreateSequence(options.Generate + 1);
        int token = 1;
        Bandwidth before = reference();
        start = Stopwatch.GetTimestamp();
        for (int i = 0; i < options.Generate; i++)
        {
            model.Decode(gen, token, logits);
            token = model.Kernels.ArgMax(logits);
        }

        double decode = options.Generate / Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (prefill, decode, model.DecodeWeightBytes, before, reference());
    }

    private static (double Prefill, double Decode) MeasureLlama(string bench, string path, DecodeBenchOptions options, int threads)
    {
        var psi = new ProcessStartInfo(bench)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "-m", path, "-p", options.Prompt.ToString(CultureInfo.InvariantCulture), "-n",
            options.Generate.ToString(CultureInfo.InvariantCulture), "-t", threads.ToString(CultureInfo.InvariantCulture), "-r", "1", "-o", "json" })
        {
            psi.ArgumentList.Add(a);
        }

        using Process process = Process.Start(psi) ?? throw new InvalidOperationException("llama-bench did not start.");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string json = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"llama-bench exited with {process.ExitCode}: {stderr.Result}");
        }

        double prefill = double.NaN, decode = double.NaN;
        using JsonDocument doc = JsonDocument.Parse(json);
        foreach (JsonElement test in doc.RootElement.EnumerateArray())
        {
            double tps = test.GetProperty("avg_ts").GetDouble();
            if (test.GetProperty("n_prompt").GetInt32() > 0)
            {
                prefill = tps;
            }
            else
            {
                decode = tps;
            }
        }

        return (prefill, decode);
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double Min(IEnumerable<double> values) => values.DefaultIfEmpty(double.NaN).Min();

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    /// <summary>Copy and read-only bandwidth in GB/s.</summary>
    private readonly record struct Bandwidth(double Copy, double Read);

    private sealed record RoundResult(
        int Round, GgmlType Type, Bandwidth Before, Bandwidth After, double Prefill, double Decode, double DecodeGbps, double LlamaPrefill, double LlamaDecode)
    {
        /// <summary>Spread between the before and after measurements above which a round's memory state counts as changed.</summary>
        private const double MaxSpread = 1.15;

        public double CopyGbps => (Before.Copy + After.Copy) / 2;

        public double ReadGbps => (Before.Read + After.Read) / 2;

        public bool Steady => Spread(Before.Copy, After.Copy) <= MaxSpread && Spread(Before.Read, After.Read) <= MaxSpread;

        public string Format() => string.Create(CultureInfo.InvariantCulture,
            $"round {Round} {Type}: copy {Before.Copy:F1}/{After.Copy:F1} GB/s, read {Before.Read:F1}/{After.Read:F1} GB/s (before/after decode{(Steady ? string.Empty : "; memory state changed, left out of the bytes/s medians")}) | myelin pp {Prefill:F1} tok/s, tg {Decode:F2} tok/s = {DecodeGbps:F1} GB/s ({DecodeGbps / CopyGbps:F2} of copy, {DecodeGbps / ReadGbps:F2} of read)")
            + (double.IsNaN(LlamaDecode) ? string.Empty : string.Create(CultureInfo.InvariantCulture,
                $" | llama.cpp pp {LlamaPrefill:F1} tok/s, tg {LlamaDecode:F2} tok/s | ratio pp {Prefill / LlamaPrefill:F3} tg {Decode / LlamaDecode:F3}"));
    }

    private static double Spread(double a, double b) => Math.Max(a, b) / Math.Min(a, b);
}
