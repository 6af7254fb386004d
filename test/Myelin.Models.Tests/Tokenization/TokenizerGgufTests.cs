using Myelin.Models.Formats;
using Myelin.TestUtilities;

namespace Myelin.Models.Tokenization;

public sealed class TokenizerGgufTests
{
    [Fact]
    public void Vocabulary_round_trips_through_gguf_metadata_and_encodes_identically()
    {
        using var directory = new TempDirectory("myelin-tokenizer");
        foreach (TokenizerVocabulary original in new[] { SyntheticVocabulary.BytePair(600), SyntheticVocabulary.SentencePiece(600) })
        {
            string path = directory.Combine(original.Model + ".gguf");
            var writer = new GgufWriter();
            original.AddTo(writer);
            writer.WriteTo(path);

            using GgufFile file = GgufFile.Open(path);
            TokenizerVocabulary loaded = TokenizerVocabulary.FromGguf(file);
            Assert.Equal(original.Tokens, loaded.Tokens);
            Assert.Equal(original.Scores, loaded.Scores);
            Assert.Equal(original.Types, loaded.Types);
            Assert.Equal(original.Merges, loaded.Merges);
            Assert.Equal(original.Special, loaded.Special);
            Assert.Equal(original.ChatTemplate, loaded.ChatTemplate);
            const string Text = "Our agent remembers the meeting on Friday, caf\u00e9 \u6771\u4eac 2026-03-01!";
            Assert.Equal(Tokenizer.Create(original).Encode(Text), Tokenizer.Create(loaded).Encode(Text));
        }
    }

    [Fact]
    public void Missing_or_bad_tokenizer_metadata_is_a_format_error()
    {
        using var directory = new TempDirectory("myelin-tokenizer");
        string path = directory.Combine("empty.gguf");
        new GgufWriter().WriteTo(path);
        using (GgufFile file = GgufFile.Open(path))
        {
            Assert.Contains("no 'tokenizer.ggml.model'", Assert.Throws<ModelFormatException>(() => TokenizerVocabulary.FromGguf(file)).Message, StringComparison.Ordinal);
        }

        string bad = directory.Combine("bad.gguf");
        var writer = new GgufWriter();
        writer.AddMetadata("tokenizer.ggml.model", GgufValue.FromString("gpt2"));
        writer.AddMetadata("tokenizer.ggml.tokens", GgufValue.FromArray<string>(["a", "b"]));
        writer.AddMetadata("tokenizer.ggml.merges", GgufValue.FromArray<string>(["a b"]));
        writer.AddMetadata("tokenizer.ggml.eos_token_id", GgufValue.FromUInt32(99));
        writer.WriteTo(bad);
        using GgufFile badFile = GgufFile.Open(bad);
        Assert.Contains("outside the vocabulary", Assert.Throws<ModelFormatException>(() => TokenizerVocabulary.FromGguf(badFile)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stream_decoder_never_splits_a_character()
    {
        Tokenizer tokenizer = Tokenizer.Create(SyntheticVocabulary.SentencePiece(400));
        IReadOnlyList<int> ids = tokenizer.Encode("\u6771\u4eac and caf\u00e9");
        var decoder = new TokenStreamDecoder(tokenizer);
        var pieces = ids.Select(decoder.Push).ToList();
        pieces.Add(decoder.Flush());
        Assert.Equal("\u6771\u4eac and caf\u00e9", string.Concat(pieces));
        Assert.All(pieces, p => Assert.DoesNotContain('\uFFFD', p));
    }
}
