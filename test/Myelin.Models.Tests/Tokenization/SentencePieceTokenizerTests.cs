
namespace Myelin.Models.Tokenization;

public sealed class SentencePieceTokenizerTests
{
    /// <summary>0 unk, 1 bos, 2 eos, 3..258 bytes, then hand-scored pieces.</summary>
    private static TokenizerVocabulary Handmade()
    {
        var tokens = new List<string> { "<unk>", "<s>", "</s>" };
        var types = new List<TokenType> { TokenType.Unknown, TokenType.Control, TokenType.Control };
        var scores = new List<float> { 0, 0, 0 };
        for (int b = 0; b < 256; b++)
        {
            tokens.Add(SentencePieceTokenizer.ByteToken((byte)b));
            types.Add(TokenType.Byte);
            scores.Add(0);
        }

        (string Piece, float Score)[] pieces =
        [
            ("\u2581", -10), ("h", -10), ("e", -10), ("l", -10), ("o", -10), ("\u2581h", -1), ("ll", -2), ("he", -3), ("\u2581he", -4),
        ];
        foreach ((string piece, float score) in pieces)
        {
            tokens.Add(piece);
            types.Add(TokenType.Normal);
            scores.Add(score);
        }

        return new TokenizerVocabulary(
            TokenizerVocabulary.SentencePieceModel, tokens, scores, types, merges: null,
            new SpecialTokens(Bos: 1, Eos: 2, Unknown: 0, AddBos: true, AddSpacePrefix: true));
    }

    [Fact]
    public void Golden_encoding_merges_by_score_and_falls_back_to_bytes()
    {
        Tokenizer tokenizer = Tokenizer.Create(Handmade());
        Assert.IsType<SentencePieceTokenizer>(tokenizer);

        // "▁hello": ▁h (-1) first, then ll (-2), then ▁h+e = ▁he (-4); 'he' (-3) is stale once h is merged.
        Assert.Equal([1, 267, 265, 263], tokenizer.Encode("hello"));

        // 'é' has no piece: its two UTF-8 bytes become byte tokens (3 + byte value).
        Assert.Equal([1, 264, 3 + 0xC3, 3 + 0xA9], tokenizer.Encode("h\u00e9", addSpecial: true));
        Assert.Equal("h\u00e9", tokenizer.Decode(tokenizer.Encode("h\u00e9")));
    }

    [Fact]
    public void Decoding_drops_the_space_prefix_and_control_tokens()
    {
        Tokenizer tokenizer = Tokenizer.Create(Handmade());
        Assert.Equal("hello", tokenizer.Decode([1, 267, 265, 263, 2]));
        Assert.Equal("<s>hello</s>", tokenizer.Decode([1, 267, 265, 263, 2], renderSpecial: true));
    }

    [Fact]
    public void Special_token_texts_split_the_input_and_every_run_gets_the_space_prefix()
    {
        TokenizerVocabulary handmade = Handmade();
        var vocabulary = new TokenizerVocabulary(
            handmade.Model, [.. handmade.Tokens, "<tool>"], [.. handmade.Scores, 0], [.. handmade.Types, TokenType.UserDefined], null,
            handmade.Special);
        Tokenizer tokenizer = Tokenizer.Create(vocabulary);
        const int Tool = 268;

        // As llama.cpp does: a user-defined token text is matched with or without special parsing, and the run after it
        // is a sentence of its own with its own space prefix (264 is "\u2581h").
        Assert.Equal([267, 265, 263, Tool, 264], tokenizer.Encode("hello<tool>h", addSpecial: false));
        Assert.Equal([267, 265, 263, Tool, 264], tokenizer.Encode("hello<tool>h", addSpecial: false, parseSpecial: true));

        // Control (</s>) and unknown (<unk>) token texts only with special parsing.
        Assert.Equal([264, 2, 264, 0], tokenizer.Encode("h</s>h<unk>", addSpecial: false, parseSpecial: true));
        IReadOnlyList<int> plain = tokenizer.Encode("h</s>h<unk>", addSpecial: false);
        Assert.DoesNotContain(2, plain);
        Assert.DoesNotContain(0, plain);
        Assert.Equal("h</s>h<unk>", tokenizer.Decode(plain));
    }

    [Fact]
    public void Trained_vocabulary_round_trips_arbitrary_text()
    {
        Tokenizer tokenizer = Tokenizer.Create(SyntheticVocabulary.SentencePiece(1000));
        var random = new Random(7);
        string alphabet = "abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789 .,;:!?'\"()\n\t\u00e9\u00fc\u00df\u6771\u4eac\u20ac";
        for (int i = 0; i < 200; i++)
        {
            string text = new([.. Enumerable.Range(0, random.Next(0, 60)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            IReadOnlyList<int> ids = tokenizer.Encode(text);
            Assert.Equal(text, tokenizer.Decode(ids));
            Assert.All(ids, id => Assert.InRange(id, 0, tokenizer.VocabularySize - 1));
        }

        // Trained merges compress ordinary words well below one token per character.
        const string Sentence = "The model remembers the question across sessions.";
        Assert.True(tokenizer.Encode(Sentence).Count < Sentence.Length / 2, "a trained vocabulary should merge common words");
    }
}
