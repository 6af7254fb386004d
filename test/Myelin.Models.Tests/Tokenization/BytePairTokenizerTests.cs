
namespace Myelin.Models.Tokenization;

public sealed class BytePairTokenizerTests
{
    private static TokenizerVocabulary Handmade()
    {
        var tokens = Enumerable.Range(0, 256).Select(b => ByteLevel.ToChar((byte)b).ToString()).ToList();
        string[] merges = ["h e", "l l", "he ll", "hell o", "\u0120 w", "o r"];
        tokens.AddRange(merges.Select(m => m.Replace(" ", string.Empty, StringComparison.Ordinal)));
        return new TokenizerVocabulary(
            TokenizerVocabulary.BytePairModel, tokens, null, null, merges, new SpecialTokens(AddSpacePrefix: false), preTokenizer: "default");
    }

    [Fact]
    public void Golden_encoding_applies_merges_in_rank_order()
    {
        Tokenizer tokenizer = Tokenizer.Create(Handmade());
        Assert.IsType<BytePairTokenizer>(tokenizer);
        int Id(string piece) => tokenizer.Vocabulary.Tokens.ToList().IndexOf(piece);

        // "hello" -> he, ll, hell, hello; " world" -> Ġw, or, l, d ("Ġ" is the byte-level space).
        Assert.Equal([Id("hello"), Id("\u0120w"), Id("or"), Id("l"), Id("d")], tokenizer.Encode("hello world"));
        Assert.Equal("hello world", tokenizer.Decode(tokenizer.Encode("hello world")));
    }

    [Fact]
    public void Byte_level_map_is_a_bijection_over_all_bytes()
    {
        var seen = new HashSet<char>();
        for (int b = 0; b < 256; b++)
        {
            char c = ByteLevel.ToChar((byte)b);
            Assert.True(seen.Add(c));
            Assert.True(ByteLevel.TryToByte(c, out byte back));
            Assert.Equal(b, back);
        }

        Assert.Equal('\u0120', ByteLevel.ToChar((byte)' '));
    }

    [Theory]
    [InlineData("llama3", "12345", new[] { "123", "45" })]
    [InlineData("qwen2", "12345", new[] { "1", "2", "3", "4", "5" })]
    [InlineData("default", "12345", new[] { "12345" })]
    [InlineData("llama3", "Hello, world!\n\nIt's", new[] { "Hello", ",", " world", "!\n\n", "It", "'s" })]
    public void Pre_tokenizers_split_as_their_families_do(string name, string text, string[] expected)
    {
        Assert.Equal(expected, PreTokenizer.Split(PreTokenizer.For(name), text));
    }

    [Fact]
    public void Unknown_pre_tokenizer_is_a_clear_error()
    {
        NotSupportedException error = Assert.Throws<NotSupportedException>(() => PreTokenizer.For("deepseek-coder"));
        Assert.Contains("deepseek-coder", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ChatTemplateKind.ChatMl)]
    [InlineData(ChatTemplateKind.Llama3)]
    public void Trained_vocabulary_round_trips_and_parses_chat_markers(ChatTemplateKind family)
    {
        Tokenizer tokenizer = Tokenizer.Create(SyntheticVocabulary.BytePair(1200, family));
        Assert.Equal(1200, tokenizer.VocabularySize);
        var random = new Random(11);
        string alphabet = "abcdefghijklmnopqrstuvwxyz ABC 0123456789 .,;:!?'\"()\n\t\u00e9\u00fc\u00df\u6771\u4eac\u20ac\U0001F600";
        for (int i = 0; i < 200; i++)
        {
            var chars = new System.Text.StringBuilder();
            for (int n = random.Next(0, 40); n > 0; n--)
            {
                chars.Append(alphabet[random.Next(alphabet.Length)]);
            }

            // Keep surrogate pairs whole: drop a lone half the random pick may have produced.
            string text = string.Concat(System.Globalization.StringInfo.GetTextElementEnumerator(chars.ToString()).AsEnumerable()
                .Where(e => !(e.Length == 1 && char.IsSurrogate(e[0]))));
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
        }

        ChatTemplate template = ChatTemplate.Detect(tokenizer.Vocabulary.ChatTemplate);
        Assert.Equal(family, template.Kind);
        string prompt = template.Render([new ChatTurn("system", "Be brief."), new ChatTurn("user", "Hi there")]);
        IReadOnlyList<int> ids = tokenizer.Encode(prompt, addSpecial: false, parseSpecial: true);
        int marker = family == ChatTemplateKind.ChatMl ? IdOf(tokenizer, "<|im_start|>") : IdOf(tokenizer, "<|start_header_id|>");
        Assert.Equal(3, ids.Count(id => id == marker));
        Assert.Equal(prompt, tokenizer.Decode(ids, renderSpecial: true));

        // Without special parsing the markers are just text.
        Assert.DoesNotContain(marker, tokenizer.Encode(prompt, addSpecial: false, parseSpecial: false));
    }

    private static int IdOf(Tokenizer tokenizer, string piece) => tokenizer.Vocabulary.Tokens.ToList().IndexOf(piece);
}

internal static class TextElementEnumeratorExtensions
{
    public static IEnumerable<string> AsEnumerable(this System.Globalization.TextElementEnumerator enumerator)
    {
        while (enumerator.MoveNext())
        {
            yield return enumerator.GetTextElement();
        }
    }
}
