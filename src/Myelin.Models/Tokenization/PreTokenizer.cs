using System.Text.RegularExpressions;

namespace Myelin.Models.Tokenization;

/// <summary>The regular expressions that split text into words before byte-level BPE, per <c>tokenizer.ggml.pre</c>.</summary>
public static partial class PreTokenizer
{
    /// <summary>The pattern for a pre-tokenizer name.</summary>
    /// <exception cref="NotSupportedException">The name is not one Myelin implements.</exception>
    public static Regex For(string? name) => name switch
    {
        null or "default" or "gpt2" => Gpt2(),
        "llama3" or "llama-bpe" => Llama3(),
        "qwen2" => Qwen2(),
        _ => throw new NotSupportedException(
            $"Pre-tokenizer '{name}' is not supported; supported: default (gpt2), llama3 (llama-bpe), qwen2."),
    };

    /// <summary>Splits text into pre-tokens.</summary>
    public static IEnumerable<string> Split(Regex pattern, string text)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        foreach (Match match in pattern.Matches(text))
        {
            yield return match.Value;
        }
    }

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Gpt2();

    [GeneratedRegex(
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
        RegexOptions.CultureInvariant)]
    private static partial Regex Llama3();

    [GeneratedRegex(
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
        RegexOptions.CultureInvariant)]
    private static partial Regex Qwen2();
}
