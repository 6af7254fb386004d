using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Myelin.Benchmarks.Numerics;
using Myelin.Inference;
using Myelin.Inference.Models;
using Myelin.Models.Formats;

namespace Myelin.Benchmarks.Inference;

/// <summary>
/// Decode tokens/s of a synthesized ~100M-parameter Llama-shaped Q8_0 model (generated into a temp folder at setup,
/// deleted at cleanup), next to a STREAM-like copy in the same run, so decode bytes/s can be read as a share of the
/// memory bandwidth. The <c>GB/s</c> column is weight bytes read per token (or bytes copied) over the mean time.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private const int TokensPerInvoke = 16;
    private const int PromptLength = 64;
    private const int StreamLength = 32 << 20;

    private string _dir = "";
    private InferenceModel? _model;
    private KvSequence? _sequence;
    private float[] _logits = [];
    private StreamBuffers? _stream;

    /// <summary>The ~100M-parameter shape: 12 blocks of width 768, GQA 12/4 heads, FFN 2048, 32k vocabulary, tied.</summary>
    public static ModelShape Shape { get; } = new(
        ModelArchitecture.Llama, VocabSize: 32000, ContextLength: 2048, EmbeddingLength: 768, BlockCount: 12,
        FeedForwardLength: 2048, HeadCount: 12, HeadCountKv: 4, RopeFreqBase: 10000f, RmsNormEpsilon: 1e-5f, TiedEmbeddings: true);

    /// <summary>Q8_0 bytes of every block matrix plus the (tied) output matrix: what one decode step streams.</summary>
    public static long DecodeBytes
    {
        get
        {
            long d = Shape.EmbeddingLength;
            long perBlock = (2 * d * d) + (2 * d * Shape.KvDim) + (3 * d * Shape.FeedForwardLength);
            return ((Shape.BlockCount * perBlock) + (Shape.VocabSize * d)) / 32 * 34;
        }
    }

    [GlobalSetup(Target = nameof(DecodeQ8_0))]
    public void SetupDecode()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"myelin-bench-{Guid.NewGuid():N}");
        string path = Path.Combine(_dir, "synthetic-100m-q8_0.gguf");
        ModelSynthesizer.Write(new SynthesisOptions(Shape, GgmlType.Q8_0, Seed: 1), path);
        _model = InferenceModel.Open(path);
        _sequence = _model.CreateSequence(PromptLength + TokensPerInvoke);
        _logits = new float[Shape.VocabSize];
        int[] prompt = new int[PromptLength];
        for (int i = 0; i < prompt.Length; i++)
        {
            prompt[i] = (i * 7919) % Shape.VocabSize;
        }

        _model.Prefill(_sequence, prompt, _logits);
        if (_model.DecodeWeightBytes != DecodeBytes)
        {
            throw new InvalidOperationException($"Expected {DecodeBytes} weight bytes per step, the model reads {_model.DecodeWeightBytes}.");
        }

        Console.WriteLine($"// model: {Shape.ParameterCount / 1e6:F1}M parameters, {DecodeBytes / 1e6:F1} MB of weights read per decode step");
    }

    [GlobalCleanup(Target = nameof(DecodeQ8_0))]
    public void CleanupDecode()
    {
        _model?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [GlobalSetup(Target = nameof(StreamCopy))]
    public void SetupStream()
    {
        _stream = new StreamBuffers(StreamLength);
    }

    [GlobalCleanup(Target = nameof(StreamCopy))]
    public void CleanupStream() => _stream?.Dispose();

    /// <summary>Greedy decode of 16 tokens after a 64-token prompt (the cache is rewound each invocation).</summary>
    [Benchmark(OperationsPerInvoke = TokensPerInvoke)]
    public int DecodeQ8_0()
    {
        InferenceModel model = _model!;
        KvSequence seq = _sequence!;
        seq.Truncate(PromptLength);
        int token = 1;
        for (int i = 0; i < TokensPerInvoke; i++)
        {
            model.Decode(seq, token, _logits);
            token = model.Kernels.ArgMax(_logits);
        }

        return token;
    }

    /// <summary>STREAM copy (a = b) of 128 MiB arrays on every core.</summary>
    [Benchmark]
    public void StreamCopy() => _stream!.Copy(Environment.ProcessorCount);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithWarmupCount(2).WithIterationCount(8));
            AddColumn(new BandwidthColumn());
        }
    }

    private sealed class BandwidthColumn : IColumn
    {
        public string Id => "GBps";

        public string ColumnName => "GB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Bytes moved per operation (weights read per decoded token, or bytes copied) / mean time";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            BenchmarkReport? report = summary[benchmarkCase];
            double? meanNs = report?.ResultStatistics?.Mean;
            // Columns run in the host process, not the benchmark process, so the byte counts come from constants.
            double bytes = benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(DecodeQ8_0)
                ? DecodeBytes
                : 2.0 * StreamLength * sizeof(float);
            return meanNs is > 0 && bytes > 0 ? (bytes / meanNs.Value).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "-";
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
