using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Myelin.Models.Tokenization;

/// <summary>
/// Our encoders against ids that llama.cpp's <c>llama-tokenize</c> produced for the same synthesized vocabularies
/// (Tokenization/Goldens, README.md there says how they were made and how to regenerate them).
/// </summary>
public sealed class TokenizerGoldenTests
{
    // Must match regenerate.py: the golden files were produced from GGUF files `myelin model synth` wrote with these.
    private const int Size = 1000;
    private const int Seed = 11;

    public static TheoryData<string> GoldenVocabularies => ["llama-spm", "qwen2-bpe", "llama3-bpe"];

    [Theory]
    [MemberData(nameof(GoldenVocabularies))]
    public void Encoding_matches_llama_cpp_on_every_golden_case(string name)
    {
        Tokenizer tokenizer = Tokenizer.Create(Vocabulary(name));
        List<GoldenCase> cases = Load(name);
        Assert.True(cases.Count >= 30, $"{name}: expected the full golden set, found {cases.Count} cases");

        var failures = new List<string>();
        foreach (GoldenCase golden in cases)
        {
            IReadOnlyList<int> ids = tokenizer.Encode(golden.Text, addSpecial: golden.Bos, parseSpecial: golden.Special);
            if (!ids.SequenceEqual(golden.Ids))
            {
                failures.Add($"{Show(golden.Text)} special={golden.Special} bos={golden.Bos}: llama.cpp [{string.Join(',', golden.Ids)}], ours [{string.Join(',', ids)}]");
            }
        }

        Assert.True(failures.Count == 0, $"{name}: {failures.Count} of {cases.Count} differ:\n" + string.Join('\n', failures));
    }

    [Theory]
    [MemberData(nameof(GoldenVocabularies))]
    public void Decoding_the_golden_ids_gives_back_the_text(string name)
    {
        Tokenizer tokenizer = Tokenizer.Create(Vocabulary(name));
        foreach (GoldenCase golden in Load(name))
        {
            // Each text run between special tokens is encoded on its own (SentencePiece gives every run its space
            // prefix), so it is decoded on its own; special tokens render as their text.
            var decoded = new StringBuilder();
            var run = new List<int>();
            bool bos = golden.Bos && golden.Ids.Length > 0 && golden.Ids[0] == tokenizer.Special.Bos;
            foreach (int id in golden.Ids.Skip(bos ? 1 : 0))
            {
                if (tokenizer.IsText(id))
                {
                    run.Add(id);
                    continue;
                }

                decoded.Append(tokenizer.Decode(run)).Append(tokenizer.Vocabulary.Tokens[id]);
                run.Clear();
            }

            decoded.Append(tokenizer.Decode(run));
            Assert.Equal(golden.Text, decoded.ToString());
        }
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama3")]
    [InlineData("qwen2")]
    public void Pre_tokenizer_splits_match_the_reference_patterns_over_code_points(string name)
    {
        // pretokenizer.jsonl holds the splits of the Hugging Face tokenizer.json patterns by Python's `regex` module,
        // which matches over code points: astral letters and digits (U+1D400, U+1D7CF) count as \p{L} and \p{N}.
        var rows = Lines("pretokenizer").ToList();
        Assert.Contains(rows, row => row.GetProperty("text").GetString()!.Any(char.IsSurrogate));
        var failures = new List<string>();
        foreach (JsonElement row in rows)
        {
            string text = row.GetProperty("text").GetString()!;
            string[] expected = [.. row.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];
            string[] actual = [.. PreTokenizer.Split(PreTokenizer.For(name), text)];
            if (!actual.SequenceEqual(expected))
            {
                failures.Add($"{Show(text)}: reference {Show(expected)}, ours {Show(actual)}");
            }
        }

        Assert.True(failures.Count == 0, $"{name}: {failures.Count} of {rows.Count} differ:\n" + string.Join('\n', failures));
    }

    [Fact]
    public void Goldens_exercise_byte_fallback_and_special_parsing()
    {
        // Guards the data itself: the hard cases must reach the paths they are there for.
        Tokenizer spm = Tokenizer.Create(Vocabulary("llama-spm"));
        GoldenCase emoji = Load("llama-spm").First(c => c.Text.StartsWith("emoji", StringComparison.Ordinal));
        Assert.Contains(emoji.Ids, id => spm.Vocabulary.Types[id] == TokenType.Byte);

        Tokenizer qwen = Tokenizer.Create(Vocabulary("qwen2-bpe"));
        List<GoldenCase> chat = [.. Load("qwen2-bpe").Where(c => c.Text.StartsWith("<|im_start|>user", StringComparison.Ordinal))];
        Assert.Contains(chat.Single(c => c.Special).Ids, id => qwen.Vocabulary.Tokens[id] == "<|im_start|>");
        Assert.DoesNotContain(chat.Single(c => !c.Special).Ids, id => !qwen.IsText(id));

        // BOS comes from the vocabulary's add_bos flag: Llama 3 and SentencePiece add it, Qwen2 does not.
        Assert.Equal([spm.Special.Bos!.Value], Load("llama-spm").Single(c => c.Bos && c.Text.Length == 0).Ids);
        Assert.Empty(Load("qwen2-bpe").Single(c => c.Bos && c.Text.Length == 0).Ids);
    }

    private static TokenizerVocabulary Vocabulary(string name) => name switch
    {
        "llama-spm" => SyntheticVocabulary.SentencePiece(Size, Seed),
        "qwen2-bpe" => SyntheticVocabulary.BytePair(Size, ChatTemplateKind.ChatMl, Seed),
        _ => SyntheticVocabulary.BytePair(Size, ChatTemplateKind.Llama3, Seed),
    };

    private static List<GoldenCase> Load(string name) =>
    [
        .. Lines(name).Select(row => new GoldenCase(
            row.GetProperty("text").GetString()!,
            row.GetProperty("special").GetBoolean(),
            row.TryGetProperty("bos", out JsonElement bos) && bos.GetBoolean(),
            [.. row.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32())])),
    ];

    private static IEnumerable<JsonElement> Lines(string name)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Goldens." + name + ".jsonl")
            ?? throw new InvalidOperationException($"Golden file {name}.jsonl is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                using var row = JsonDocument.Parse(line);
                yield return row.RootElement.Clone();
            }
        }
    }

    private static string Show<T>(T value) => JsonSerializer.Serialize(value);

    /// <summary>One golden line.</summary>
    /// <param name="Text">The input.</param>
    /// <param name="Special">Special-token texts were parsed (llama-tokenize without --no-parse-special).</param>
    /// <param name="Bos">Encoded with the vocabulary's BOS rule (llama-tokenize without --no-bos).</param>
    /// <param name="Ids">llama.cpp's ids.</param>
    private sealed record GoldenCase(string Text, bool Special, bool Bos, int[] Ids);
}
