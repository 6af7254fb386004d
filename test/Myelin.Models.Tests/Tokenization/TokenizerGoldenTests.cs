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
            IReadOnlyList<int> ids = tokenizer.Encode(golden.Text, addSpecial: false, parseSpecial: golden.Special);
            if (!ids.SequenceEqual(golden.Ids))
            {
                failures.Add($"{Show(golden.Text)} special={golden.Special}: llama.cpp [{string.Join(',', golden.Ids)}], ours [{string.Join(',', ids)}]");
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
            foreach (int id in golden.Ids)
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
    }

    private static TokenizerVocabulary Vocabulary(string name) => name switch
    {
        "llama-spm" => SyntheticVocabulary.SentencePiece(Size, Seed),
        "qwen2-bpe" => SyntheticVocabulary.BytePair(Size, ChatTemplateKind.ChatMl, Seed),
        _ => SyntheticVocabulary.BytePair(Size, ChatTemplateKind.Llama3, Seed),
    };

    private static List<GoldenCase> Load(string name)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Goldens." + name + ".jsonl")
            ?? throw new InvalidOperationException($"Golden file {name}.jsonl is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var cases = new List<GoldenCase>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var json = JsonDocument.Parse(line);
            JsonElement root = json.RootElement;
            cases.Add(new GoldenCase(
                root.GetProperty("text").GetString()!,
                root.GetProperty("special").GetBoolean(),
                [.. root.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32())]));
        }

        return cases;
    }

    private static string Show(string text) => JsonSerializer.Serialize(text);

    private sealed record GoldenCase(string Text, bool Special, int[] Ids);
}
