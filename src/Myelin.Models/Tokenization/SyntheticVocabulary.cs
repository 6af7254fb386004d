using System.Globalization;
using System.Text;

namespace Myelin.Models.Tokenization;

/// <summary>
/// Builds real, trained tokenizer vocabularies without downloading one: BPE merges learned from a seeded English corpus,
/// with the special tokens and chat template of a model family. Used by the model maker and in tests.
/// </summary>
public static class SyntheticVocabulary
{
    /// <summary>A byte-level BPE vocabulary (<c>gpt2</c> model, <c>qwen2</c> or <c>llama3</c> pre-tokenizer) of exactly <paramref name="size"/> tokens.</summary>
    /// <param name="size">Tokens in the vocabulary (at least 256 bytes plus the family's special tokens).</param>
    /// <param name="family">ChatML (Qwen) or Llama 3 specials and template.</param>
    /// <param name="seed">Seed of the training corpus.</param>
    /// <exception cref="ArgumentOutOfRangeException">The size cannot hold the bytes and specials, or the family is Llama 2.</exception>
    public static TokenizerVocabulary BytePair(int size, ChatTemplateKind family = ChatTemplateKind.ChatMl, int seed = 1)
    {
        string[] specials = family switch
        {
            ChatTemplateKind.ChatMl => ["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
            ChatTemplateKind.Llama3 => ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
            _ => throw new ArgumentOutOfRangeException(nameof(family), "Byte-level BPE vocabularies are built for ChatML or Llama 3."),
        };
        int learnable = size - 256 - specials.Length;
        ArgumentOutOfRangeException.ThrowIfNegative(learnable, nameof(size));

        string pre = family == ChatTemplateKind.ChatMl ? "qwen2" : "llama3";
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string word in PreTokenizer.Split(PreTokenizer.For(pre), TrainingCorpus.Generate(seed)))
        {
            string mapped = ByteLevel.Encode(Encoding.UTF8.GetBytes(word));
            words[mapped] = words.GetValueOrDefault(mapped) + 1;
        }

        var tokens = new List<string>(size);
        for (int b = 0; b < 256; b++)
        {
            tokens.Add(ByteLevel.ToChar((byte)b).ToString());
        }

        List<(string Left, string Right)> merges = LearnMerges(words, learnable);
        tokens.AddRange(merges.Select(m => m.Left + m.Right));
        var types = Enumerable.Repeat(TokenType.Normal, tokens.Count).ToList();
        PadUnused(tokens, types, size - specials.Length);
        int firstSpecial = tokens.Count;
        tokens.AddRange(specials);
        types.AddRange(specials.Select(_ => TokenType.Control));

        SpecialTokens special = family == ChatTemplateKind.ChatMl
            ? new SpecialTokens(Bos: null, Eos: firstSpecial, Padding: firstSpecial, EndOfTurn: firstSpecial + 2, AddBos: false, AddSpacePrefix: false)
            : new SpecialTokens(Bos: firstSpecial, Eos: firstSpecial + 1, EndOfTurn: firstSpecial + 4, AddBos: true, AddSpacePrefix: false);
        return new TokenizerVocabulary(
            TokenizerVocabulary.BytePairModel, tokens, scores: null, types, [.. merges.Select(m => m.Left + " " + m.Right)], special, pre,
            ChatTemplate.JinjaFor(family));
    }

    /// <summary>A SentencePiece-style vocabulary (<c>llama</c> model, byte fallback, Llama 2 template) of exactly <paramref name="size"/> tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size cannot hold the specials and the 256 byte tokens.</exception>
    public static TokenizerVocabulary SentencePiece(int size, int seed = 1)
    {
        int learnable = size - 3 - 256;
        ArgumentOutOfRangeException.ThrowIfNegative(learnable, nameof(size));
        var tokens = new List<string>(size) { "<unk>", "<s>", "</s>" };
        var types = new List<TokenType> { TokenType.Unknown, TokenType.Control, TokenType.Control };
        var scores = new List<float> { 0, 0, 0 };
        for (int b = 0; b < 256; b++)
        {
            tokens.Add(SentencePieceTokenizer.ByteToken((byte)b));
            types.Add(TokenType.Byte);
            scores.Add(0);
        }

        // SentencePiece words carry their leading space as U+2581, and the whole text gets a space prefix.
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string word in (" " + TrainingCorpus.Generate(seed)).Replace('\n', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string piece = SentencePieceTokenizer.SpaceMarker + word;
            words[piece] = words.GetValueOrDefault(piece) + 1;
        }

        // Single characters first (by frequency), then merges; scores fall with rank so earlier merges win.
        var characters = words.SelectMany(w => Enumerable.Repeat(w.Key, w.Value)).SelectMany(w => w)
            .GroupBy(c => c).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key.ToString()).ToList();
        foreach (string c in characters.Take(learnable))
        {
            tokens.Add(c);
            types.Add(TokenType.Normal);
            scores.Add(-1_000_000f);
        }

        int rank = 0;
        foreach ((string left, string right) in LearnMerges(words, Math.Max(0, learnable - Math.Min(learnable, characters.Count))))
        {
            tokens.Add(left + right);
            types.Add(TokenType.Normal);
            scores.Add(-rank++);
        }

        int before = tokens.Count;
        PadUnused(tokens, types, size);
        scores.AddRange(Enumerable.Repeat(0f, tokens.Count - before));
        return new TokenizerVocabulary(
            TokenizerVocabulary.SentencePieceModel, tokens, scores, types, merges: null,
            new SpecialTokens(Bos: 1, Eos: 2, Unknown: 0, AddBos: true, AddSpacePrefix: true),
            preTokenizer: null, ChatTemplate.JinjaFor(ChatTemplateKind.Llama2));
    }

    /// <summary>Classic BPE training: repeatedly merge the most frequent adjacent pair (ties broken by ordinal order).</summary>
    private static List<(string Left, string Right)> LearnMerges(Dictionary<string, int> words, int count)
    {
        var split = words.Select(w => (Symbols: w.Key.Select(c => c.ToString()).ToList(), Count: w.Value)).ToList();
        var merges = new List<(string, string)>(count);
        var known = new HashSet<string>(StringComparer.Ordinal);
        while (merges.Count < count)
        {
            var pairs = new Dictionary<(string, string), int>();
            foreach ((List<string> symbols, int frequency) in split)
            {
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    (string, string) pair = (symbols[i], symbols[i + 1]);
                    pairs[pair] = pairs.GetValueOrDefault(pair) + frequency;
                }
            }

            (string Left, string Right) best = default;
            int bestCount = 1;
            foreach (((string, string) pair, int frequency) in pairs)
            {
                if (frequency > bestCount || (frequency == bestCount && best.Left is not null && Compare(pair, best) < 0))
                {
                    (best, bestCount) = (pair, frequency);
                }
            }

            if (best.Left is null || !known.Add(best.Left + best.Right))
            {
                break;
            }

            merges.Add(best);
            foreach ((List<string> symbols, _) in split)
            {
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    if (symbols[i] == best.Left && symbols[i + 1] == best.Right)
                    {
                        symbols[i] = best.Left + best.Right;
                        symbols.RemoveAt(i + 1);
                    }
                }
            }
        }

        return merges;
    }

    private static int Compare((string Left, string Right) a, (string Left, string Right) b)
    {
        int left = string.CompareOrdinal(a.Left, b.Left);
        return left != 0 ? left : string.CompareOrdinal(a.Right, b.Right);
    }

    private static void PadUnused(List<string> tokens, List<TokenType> types, int size)
    {
        for (int i = 0; tokens.Count < size; i++)
        {
            tokens.Add(string.Create(CultureInfo.InvariantCulture, $"<|unused_{i}|>"));
            types.Add(TokenType.Unused);
        }
    }
}
