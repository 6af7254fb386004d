using System.CommandLine;
using System.Diagnostics;
using Myelin.Core;
using Myelin.Inference.Models;
using Myelin.Models.Formats;
using Myelin.Models.Tokenization;
using Spectre.Console;

namespace Myelin.Cli.Commands;

/// <summary><c>myelin model synth</c>: writes a random-weight GGUF model with a trained tokenizer, for tests and benchmarks.</summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Path of the GGUF file to write.", Required = true };
        var architecture = new Option<string>("--arch") { Description = "llama or qwen2.", DefaultValueFactory = _ => "llama" };
        var type = new Option<string>("--type") { Description = "Weight type: f32, f16, bf16, q8_0 or q4_0.", DefaultValueFactory = _ => "q8_0" };
        var dim = new Option<int>("--dim") { Description = "Embedding length.", DefaultValueFactory = _ => 256 };
        var layers = new Option<int>("--layers") { Description = "Transformer blocks.", DefaultValueFactory = _ => 4 };
        var heads = new Option<int>("--heads") { Description = "Attention heads.", DefaultValueFactory = _ => 8 };
        var kvHeads = new Option<int>("--kv-heads") { Description = "Key/value heads (GQA); divides --heads.", DefaultValueFactory = _ => 4 };
        var ffn = new Option<int>("--ffn") { Description = "Feed-forward length.", DefaultValueFactory = _ => 688 };
        var vocab = new Option<int>("--vocab") { Description = "Vocabulary size (trained BPE merges, padded with unused slots).", DefaultValueFactory = _ => 2048 };
        var context = new Option<int>("--context") { Description = "Context length.", DefaultValueFactory = _ => 2048 };
        var tokenizer = new Option<string>("--tokenizer") { Description = "chatml (byte-level BPE, Qwen style), llama3 (byte-level BPE) or llama2 (SentencePiece).", DefaultValueFactory = _ => "chatml" };
        var tied = new Option<bool>("--tied") { Description = "Tie the output matrix to the token embeddings." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the weights and the tokenizer corpus.", DefaultValueFactory = _ => 1 };
        var name = new Option<string>("--name") { Description = "The model's general.name: the id a server serves it under.", DefaultValueFactory = _ => "myelin-synthetic" };
        var synth = new Command("synth", "Write a random-weight Llama/Qwen2 GGUF model with a trained tokenizer.")
        {
            output, architecture, type, dim, layers, heads, kvHeads, ffn, vocab, context, tokenizer, tied, seed, name,
        };
        synth.SetAction(result =>
        {
            ModelShape shape = ParseShape(
                result.GetValue(architecture)!, result.GetValue(vocab), result.GetValue(context), result.GetValue(dim), result.GetValue(layers),
                result.GetValue(ffn), result.GetValue(heads), result.GetValue(kvHeads), result.GetValue(tied));
            GgmlType weights = ParseType(result.GetValue(type)!);
            string path = Path.GetFullPath(result.GetValue(output)!);
            ulong seedValue = result.GetValue(seed);
            var clock = Stopwatch.StartNew();
            TokenizerVocabulary vocabulary = AnsiConsole.Status().Start(
                "Training the tokenizer...", _ => Vocabulary(result.GetValue(tokenizer)!, shape.VocabSize, (int)(seedValue % int.MaxValue)));
            AnsiConsole.Status().Start($"Writing {shape.ParameterCount:N0} parameters...", _ =>
                ModelSynthesizer.Write(new SynthesisOptions(shape, weights, seedValue) { Name = result.GetValue(name)!, Tokenizer = new VocabularyMetadataSource(vocabulary) }, path));
            AnsiConsole.MarkupLine(
                $"Wrote [bold]{Markup.Escape(path)}[/]: {shape.ArchitectureName}, {shape.ParameterCount:N0} parameters, {weights}, " +
                $"{new FileInfo(path).Length / 1048576.0:F1} MiB, vocabulary {vocabulary.Count} ({vocabulary.Model}) in {clock.Elapsed.TotalSeconds:F1} s.");
            return 0;
        });

        return new Command("model", "Work with model files.") { synth };
    }

    private static ModelShape ParseShape(string arch, int vocab, int context, int dim, int layers, int ffn, int heads, int kvHeads, bool tied)
    {
        ModelArchitecture architecture = arch.ToLowerInvariant() switch
        {
            "llama" => ModelArchitecture.Llama,
            "qwen2" => ModelArchitecture.Qwen2,
            _ => throw Invalid($"--arch must be llama or qwen2, got '{arch}'."),
        };
        Require(dim is >= 8 and <= 65536, "--dim must be between 8 and 65536.");
        Require(layers is >= 1 and <= 512, "--layers must be between 1 and 512.");
        Require(heads >= 1 && dim % heads == 0 && (dim / heads) % 2 == 0, "--heads must divide --dim into an even head size.");
        Require(kvHeads >= 1 && heads % kvHeads == 0, "--kv-heads must divide --heads.");
        Require(ffn is >= 1 and <= 262144, "--ffn must be between 1 and 262144.");
        Require(vocab is >= 300 and <= 262144, "--vocab must be between 300 and 262144.");
        Require(context is >= 16 and <= 1048576, "--context must be between 16 and 1048576.");
        return new ModelShape(architecture, vocab, context, dim, layers, ffn, heads, kvHeads, TiedEmbeddings: tied);
    }

    private static GgmlType ParseType(string text) => text.ToLowerInvariant() switch
    {
        "f32" => GgmlType.F32,
        "f16" => GgmlType.F16,
        "bf16" => GgmlType.BF16,
        "q8_0" => GgmlType.Q8_0,
        "q4_0" => GgmlType.Q4_0,
        _ => throw Invalid($"--type must be f32, f16, bf16, q8_0 or q4_0, got '{text}'."),
    };

    private static TokenizerVocabulary Vocabulary(string kind, int size, int seed) => kind.ToLowerInvariant() switch
    {
        "chatml" => SyntheticVocabulary.BytePair(size, ChatTemplateKind.ChatMl, seed),
        "llama3" => SyntheticVocabulary.BytePair(size, ChatTemplateKind.Llama3, seed),
        "llama2" => SyntheticVocabulary.SentencePiece(size, seed),
        _ => throw Invalid($"--tokenizer must be chatml, llama3 or llama2, got '{kind}'."),
    };

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw Invalid(message);
        }
    }

    private static MyelinValidationException Invalid(string message) => new("invalid_option", message);
}
