using System.Globalization;
using Myelin.Models.Formats;

namespace Myelin.Models.Tokenization;

/// <summary>Reading and writing the vocabulary as GGUF <c>tokenizer.*</c> metadata.</summary>
public sealed partial class TokenizerVocabulary
{
    private const string Prefix = "tokenizer.ggml.";

    /// <summary>The key of the chat template.</summary>
    public const string ChatTemplateKey = "tokenizer.chat_template";

    /// <summary>Reads the tokenizer from a GGUF file's metadata.</summary>
    /// <exception cref="ModelFormatException">The metadata is missing, mistyped or inconsistent.</exception>
    public static TokenizerVocabulary FromGguf(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        try
        {
            string model = String(file, Prefix + "model") ?? throw new ModelFormatException("GGUF has no 'tokenizer.ggml.model': the file carries no tokenizer.");
            string[] tokens = Array<string>(file, Prefix + "tokens") ?? throw new ModelFormatException("GGUF has no 'tokenizer.ggml.tokens'.");
            float[]? scores = Numbers(file, Prefix + "scores")?.Select(v => (float)v).ToArray();
            TokenType[]? types = Numbers(file, Prefix + "token_type")?.Select(v => (TokenType)(int)v).ToArray();
            string[]? merges = Array<string>(file, Prefix + "merges");
            if (model == BytePairModel && merges is null)
            {
                throw new ModelFormatException("A 'gpt2' tokenizer needs 'tokenizer.ggml.merges'.");
            }

            var special = new SpecialTokens(
                Id(file, "bos_token_id"),
                Id(file, "eos_token_id"),
                Id(file, "unknown_token_id"),
                Id(file, "padding_token_id"),
                Id(file, "eot_token_id"),
                Flag(file, "add_bos_token") ?? model == SentencePieceModel,
                Flag(file, "add_eos_token") ?? false,
                Flag(file, "add_space_prefix") ?? model == SentencePieceModel);
            return new TokenizerVocabulary(model, tokens, scores, types, merges, special, String(file, Prefix + "pre"), String(file, ChatTemplateKey));
        }
        catch (ArgumentException ex)
        {
            throw new ModelFormatException("GGUF tokenizer metadata is inconsistent: " + ex.Message, ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new ModelFormatException("GGUF tokenizer metadata has an unexpected type: " + ex.Message, ex);
        }
    }

    /// <summary>Adds this vocabulary's metadata to a GGUF being written.</summary>
    public void AddTo(GgufWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach ((string key, GgufValue value) in ToMetadata())
        {
            writer.AddMetadata(key, value);
        }
    }

    /// <summary>The <c>tokenizer.*</c> metadata entries that describe this vocabulary, in a stable order.</summary>
    public IEnumerable<KeyValuePair<string, GgufValue>> ToMetadata()
    {
        yield return new(Prefix + "model", GgufValue.FromString(Model));
        if (PreTokenizer is not null)
        {
            yield return new(Prefix + "pre", GgufValue.FromString(PreTokenizer));
        }

        yield return new(Prefix + "tokens", GgufValue.FromArray<string>([.. Tokens]));
        yield return new(Prefix + "scores", GgufValue.FromArray<float>([.. Scores]));
        yield return new(Prefix + "token_type", GgufValue.FromArray<int>([.. Types.Select(t => (int)t)]));
        if (Merges.Count > 0)
        {
            yield return new(Prefix + "merges", GgufValue.FromArray<string>([.. Merges]));
        }

        foreach ((string name, int? id) in new[]
        {
            ("bos_token_id", Special.Bos), ("eos_token_id", Special.Eos), ("unknown_token_id", Special.Unknown),
            ("padding_token_id", Special.Padding), ("eot_token_id", Special.EndOfTurn),
        })
        {
            if (id is { } value)
            {
                yield return new(Prefix + name, GgufValue.FromUInt32((uint)value));
            }
        }

        yield return new(Prefix + "add_bos_token", GgufValue.FromBool(Special.AddBos));
        yield return new(Prefix + "add_eos_token", GgufValue.FromBool(Special.AddEos));
        yield return new(Prefix + "add_space_prefix", GgufValue.FromBool(Special.AddSpacePrefix));
        if (ChatTemplate is not null)
        {
            yield return new(ChatTemplateKey, GgufValue.FromString(ChatTemplate));
        }
    }

    private static string? String(GgufFile file, string key) => file.TryGetMetadata(key, out GgufValue? value) ? value.AsString() : null;

    private static T[]? Array<T>(GgufFile file, string key) => file.TryGetMetadata(key, out GgufValue? value) ? value.AsArray<T>().ToArray() : null;

    private static int? Id(GgufFile file, string key) =>
        file.TryGetMetadata(Prefix + key, out GgufValue? value) ? checked((int)value.AsInt64()) : null;

    private static bool? Flag(GgufFile file, string key) =>
        file.TryGetMetadata(Prefix + key, out GgufValue? value) ? value.AsBool() : null;

    /// <summary>A numeric array of any GGUF element type, as doubles.</summary>
    private static double[]? Numbers(GgufFile file, string key)
    {
        if (!file.TryGetMetadata(key, out GgufValue? value))
        {
            return null;
        }

        if (value.RawValue is not System.Array array || array is string[])
        {
            throw new ModelFormatException($"GGUF '{key}' must be a numeric array.");
        }

        var result = new double[array.Length];
        for (int i = 0; i < array.Length; i++)
        {
            result[i] = Convert.ToDouble(array.GetValue(i), CultureInfo.InvariantCulture);
        }

        return result;
    }
}
