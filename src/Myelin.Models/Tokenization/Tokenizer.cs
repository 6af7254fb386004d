using System.Text;

namespace Myelin.Models.Tokenization;

/// <summary>Turns text into token ids and back, as the model's GGUF vocabulary defines.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public abstract class Tokenizer
{
    private readonly (string Text, int Id)[] _literalSpecials;
    private readonly (string Text, int Id)[] _userDefined;

    /// <summary>Sets up the shared parts from the vocabulary.</summary>
    protected Tokenizer(TokenizerVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        Vocabulary = vocabulary;
        var ids = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        for (int i = 0; i < vocabulary.Count; i++)
        {
            ids.TryAdd(vocabulary.Tokens[i], i);
        }

        Ids = ids;

        // Control, unknown and user-defined tokens are matched literally (see Encode); longest first so that
        // "<|im_start|>" wins over any shorter token that is its prefix.
        _literalSpecials = [.. Enumerable.Range(0, vocabulary.Count)
            .Where(i => vocabulary.Types[i] is TokenType.Control or TokenType.UserDefined or TokenType.Unknown && vocabulary.Tokens[i].Length > 0)
            .Select(i => (vocabulary.Tokens[i], i))
            .OrderByDescending(t => t.Item1.Length)];
        _userDefined = [.. _literalSpecials.Where(t => vocabulary.Types[t.Id] == TokenType.UserDefined)];
    }

    /// <summary>The vocabulary this tokenizer uses.</summary>
    public TokenizerVocabulary Vocabulary { get; }

    /// <summary>Special token ids and flags.</summary>
    public SpecialTokens Special => Vocabulary.Special;

    /// <summary>Number of tokens in the vocabulary.</summary>
    public int VocabularySize => Vocabulary.Count;

    /// <summary>Token ids by piece.</summary>
    protected IReadOnlyDictionary<string, int> Ids { get; }

    /// <summary>Creates the tokenizer the vocabulary's model names.</summary>
    /// <exception cref="NotSupportedException">The model or pre-tokenizer is not one Myelin implements.</exception>
    public static Tokenizer Create(TokenizerVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return vocabulary.Model == TokenizerVocabulary.SentencePieceModel
            ? new SentencePieceTokenizer(vocabulary)
            : new BytePairTokenizer(vocabulary);
    }

    /// <summary>Encodes text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addSpecial">Add BOS/EOS as the vocabulary's flags say.</param>
    /// <param name="parseSpecial">Recognise control and unknown token texts (such as chat markers) in the text; user-defined
    /// token texts are recognised either way.</param>
    public IReadOnlyList<int> Encode(string text, bool addSpecial = true, bool parseSpecial = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<int>(text.Length / 3 + 2);
        if (addSpecial && Special.AddBos && Special.Bos is { } bos)
        {
            output.Add(bos);
        }

        // As llama.cpp (and Hugging Face's added tokens) do: user-defined token texts are always matched, control and
        // unknown token texts only when parsing specials; each text run between them is encoded on its own.
        (string Text, int Id)[] specials = parseSpecial ? _literalSpecials : _userDefined;
        int start = 0;
        while (start < text.Length)
        {
            (int at, int id, int length) = FindSpecial(specials, text, start);
            if (at > start)
            {
                EncodeText(text.AsSpan(start, at - start), output);
            }

            if (id < 0)
            {
                break;
            }

            output.Add(id);
            start = at + length;
        }

        if (addSpecial && Special.AddEos && Special.Eos is { } eos)
        {
            output.Add(eos);
        }

        return output;
    }

    /// <summary>Decodes ids to text. Control tokens are left out unless <paramref name="renderSpecial"/> is set.</summary>
    public string Decode(IEnumerable<int> tokens, bool renderSpecial = false)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var bytes = new List<byte>();
        bool atStart = true;
        foreach (int token in tokens)
        {
            AppendBytes(token, atStart, renderSpecial, bytes);
            atStart &= !IsText(token);
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>The UTF-8 bytes one token contributes to the text (a token may hold part of a character).</summary>
    /// <param name="token">The token id.</param>
    /// <param name="atStart">Whether no text precedes it in the output (SentencePiece then drops its space prefix).</param>
    /// <param name="renderSpecial">Include the text of control tokens.</param>
    /// <param name="destination">Receives the bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException">The id is outside the vocabulary.</exception>
    public void AppendBytes(int token, bool atStart, bool renderSpecial, List<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(token);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(token, VocabularySize);
        TokenType type = Vocabulary.Types[token];
        if (type is TokenType.Control or TokenType.Unknown or TokenType.Unused)
        {
            if (renderSpecial)
            {
                destination.AddRange(Encoding.UTF8.GetBytes(Vocabulary.Tokens[token]));
            }

            return;
        }

        if (type == TokenType.UserDefined)
        {
            destination.AddRange(Encoding.UTF8.GetBytes(Vocabulary.Tokens[token]));
            return;
        }

        AppendPieceBytes(token, atStart, destination);
    }

    /// <summary>Whether the token is text (normal, byte or user-defined) rather than a control, unknown or unused slot.</summary>
    /// <remarks>The first text token of an output is the one whose SentencePiece space prefix is dropped.</remarks>
    public bool IsText(int token) =>
        (uint)token < (uint)VocabularySize && Vocabulary.Types[token] is not (TokenType.Control or TokenType.Unknown or TokenType.Unused);

    /// <summary>Encodes a run of plain text (no special tokens in it): the whole input or a run between special tokens.</summary>
    /// <param name="text">The text.</param>
    /// <param name="output">Receives the ids.</param>
    protected abstract void EncodeText(ReadOnlySpan<char> text, List<int> output);

    /// <summary>Appends the bytes of a normal or byte token.</summary>
    protected abstract void AppendPieceBytes(int token, bool atStart, List<byte> destination);

    private static (int At, int Id, int Length) FindSpecial((string Text, int Id)[] specials, string text, int start)
    {
        int bestAt = -1, bestId = -1, bestLength = 0;
        foreach ((string piece, int id) in specials)
        {
            int at = text.IndexOf(piece, start, StringComparison.Ordinal);
            if (at >= 0 && (bestAt < 0 || at < bestAt || (at == bestAt && piece.Length > bestLength)))
            {
                (bestAt, bestId, bestLength) = (at, id, piece.Length);
            }
        }

        return bestAt < 0 ? (text.Length, -1, 0) : (bestAt, bestId, bestLength);
    }
}
