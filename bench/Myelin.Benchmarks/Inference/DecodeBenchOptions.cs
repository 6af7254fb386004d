using System.Globalization;
using Myelin.Models.Formats;

namespace Myelin.Benchmarks.Inference;

/// <summary>
/// Arguments of <c>decode</c>: <c>[--rounds N] [--prompt N] [--gen N] [--threads N] [--types q8_0,q4_0] [--models DIR]
/// [--llama-bench PATH] [--mmap]</c>; <c>--mmap</c> reads Myelin's weights from the file's mapping instead of copying
/// them into memory at load.
/// </summary>
internal sealed record DecodeBenchOptions(
    int Rounds, int Prompt, int Generate, int Threads, GgmlType[] Types, string ModelDirectory, string? LlamaBench, bool Mapped)
{
    public static DecodeBenchOptions Parse(string[] args)
    {
        int rounds = 3, prompt = 512, generate = 128, threads = Environment.ProcessorCount;
        GgmlType[] types = [GgmlType.Q8_0, GgmlType.Q4_0];
        string directory = Path.Combine(Path.GetTempPath(), "myelin-decode-models");
        string? llamaBench = null;
        bool mapped = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--mmap")
            {
                mapped = true;
                continue;
            }

            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--rounds":
                    rounds = Positive(value, args[i]);
                    break;
                case "--prompt":
                    prompt = Positive(value, args[i]);
                    break;
                case "--gen":
                    generate = Positive(value, args[i]);
                    break;
                case "--threads":
                    threads = Positive(value, args[i]);
                    break;
                case "--types":
                    types = [.. value.Split(',').Select(t => t.ToLowerInvariant() switch
                    {
                        "q8_0" => GgmlType.Q8_0,
                        "q4_0" => GgmlType.Q4_0,
                        _ => throw new ArgumentException($"--types takes q8_0 and/or q4_0, not '{t}'."),
                    })];
                    break;
                case "--models":
                    directory = value;
                    break;
                case "--llama-bench":
                    llamaBench = value;
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }

            i++;
        }

        return new DecodeBenchOptions(rounds, prompt, generate, threads, types, directory, llamaBench, mapped);
    }

    private static int Positive(string value, string name) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a positive integer.");
}
