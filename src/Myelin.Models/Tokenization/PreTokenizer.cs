using System.Globalization;
using System.Text;
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
    /// <remarks>
    /// The patterns are defined over code points (Hugging Face tokenizers, llama.cpp), but .NET regexes see UTF-16: a
    /// character outside the BMP (an astral letter such as U+1D400, a digit such as U+1D7CF, an emoji) would be two
    /// surrogates that are neither letters nor digits. Such text is matched on a stand-in string with one character of
    /// the same class per code point, and the pieces are cut from the original text.
    /// </remarks>
    public static IEnumerable<string> Split(Regex pattern, string text)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(text);
        return text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0 ? SplitBmp(pattern, text) : SplitAstral(pattern, text);
    }

    private static IEnumerable<string> SplitBmp(Regex pattern, string text)
    {
        foreach (Match match in pattern.Matches(text))
        {
            yield return match.Value;
        }
    }

    private static IEnumerable<string> SplitAstral(Regex pattern, string text)
    {
        // offsets[i] is where the i-th stand-in character's code point starts in text; one extra entry for the end.
        var standIn = new char[text.Length];
        var offsets = new int[text.Length + 1];
        int count = 0;
        for (int i = 0; i < text.Length; count++)
        {
            offsets[count] = i;
            if (Rune.TryGetRuneAt(text, i, out Rune rune) && rune.Utf16SequenceLength == 2)
            {
                standIn[count] = StandIn(Rune.GetUnicodeCategory(rune));
                i += 2;
            }
            else
            {
                standIn[count] = text[i++];
            }
        }

        offsets[count] = text.Length;
        foreach (Match match in pattern.Matches(new string(standIn, 0, count)))
        {
            int start = offsets[match.Index];
            yield return text[start..offsets[match.Index + match.Length]];
        }
    }

    /// <summary>A BMP character the patterns treat like a code point of <paramref name="category"/>.</summary>
    /// <remarks>No astral code point is whitespace, and the stand-ins are none of the letters of the contractions.</remarks>
    private static char StandIn(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => 'A',
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => '0',
        _ => '\uFFFD',
    };

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
