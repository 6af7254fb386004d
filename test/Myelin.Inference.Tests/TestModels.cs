using Myelin.Inference.Models;
using Myelin.Models.Formats;

namespace Myelin.Inference;

/// <summary>Tiny synthesized models shared by the tests, written once per process into a temp folder.</summary>
internal static class TestModels
{
    private static readonly string s_root = Path.Combine(Path.GetTempPath(), $"myelin-inference-tests-{Environment.ProcessId}");
    private static readonly Lock s_lock = new();

    static TestModels() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        try
        {
            Directory.Delete(s_root, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    };

    public static ModelShape Llama { get; } = new(
        ModelArchitecture.Llama, VocabSize: 96, ContextLength: 64, EmbeddingLength: 64, BlockCount: 2,
        FeedForwardLength: 96, HeadCount: 4, HeadCountKv: 2, RopeFreqBase: 10000f, RmsNormEpsilon: 1e-5f);

    public static ModelShape Qwen2 { get; } = new(
        ModelArchitecture.Qwen2, VocabSize: 80, ContextLength: 64, EmbeddingLength: 64, BlockCount: 2,
        FeedForwardLength: 128, HeadCount: 4, HeadCountKv: 1, RopeFreqBase: 1000000f, RmsNormEpsilon: 1e-6f, TiedEmbeddings: true);

    public static int[] Prompt { get; } = [1, 5, 9, 3, 0, 42, 7, 7, 2, 11, 13, 4, 60, 33];

    /// <summary>The path of a model file, synthesized on first use (seed 7).</summary>
    public static string Get(ModelShape shape, GgmlType type, ulong seed = 7)
    {
        string path = Path.Combine(s_root, $"{shape.ArchitectureName}-{shape.TiedEmbeddings}-{shape.GetHashCode():x8}-{type}-{seed}.gguf");
        lock (s_lock)
        {
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(s_root);
                string tmp = path + ".tmp";
                ModelSynthesizer.Write(new SynthesisOptions(shape, type, seed), tmp);
                File.Move(tmp, path);
            }
        }

        return path;
    }
}
