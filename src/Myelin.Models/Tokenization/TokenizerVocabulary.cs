namespace Myelin.Models.Tokenization;

/// <summary>
/// A tokenizer's data as GGUF stores it under <c>tokenizer.ggml.*</c>: pieces, scores, types, merges, special ids and the
/// chat template. Immutable once built; <see cref="Tokenizer.Create"/> turns it into a tokenizer.
/// </summary>
public sealed partial class TokenizerVocabulary
{
    /// <summary>The SentencePiece-style model name (<c>tokenizer.ggml.model = llama</c>).</summary>
    public const string SentencePieceModel = "llama";

    /// <summary>The byte-level BPE model name (<c>tokenizer.ggml.model = gpt2</c>).</summary>
    public const string BytePairModel = "gpt2";

    /// <summary>Creates a vocabulary, checking that the arrays agree and the special ids are in range.</summary>
    /// <exception cref="ArgumentException">The parts are inconsistent.</exception>
    public TokenizerVocabulary(
        string model,
        IReadOnlyList<string> tokens,
        IReadOnlyList<float>? scores,
        IReadOnlyList<TokenType>? types,
        IReadOnlyList<string>? merges,
        SpecialTokens special,
        string? preTokenizer = null,
        string? chatTemplate = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(special);
        if (model is not (SentencePieceModel or BytePairModel))
        {
            throw new ArgumentException($"Tokenizer model '{model}' is not supported; use '{SentencePieceModel}' or '{BytePairModel}'.", nameof(model));
        }

        if (tokens.Count == 0)
        {
            throw new ArgumentException("The vocabulary is empty.", nameof(tokens));
        }

        if (scores is not null && scores.Count != tokens.Count)
        {
            throw new ArgumentException($"{scores.Count} scores for {tokens.Count} tokens.", nameof(scores));
        }

        if (types is not null && types.Count != tokens.Count)
        {
            throw new ArgumentException($"{types.Count} token types for {tokens.Count} tokens.", nameof(types));
        }

        foreach ((string name, int? id) in special.All())
        {
            if (id is { } value && (value < 0 || value >= tokens.Count))
            {
                throw new ArgumentException($"Special token '{name}' id {value} is outside the vocabulary of {tokens.Count}.", nameof(special));
            }
        }

        Model = model;
        Tokens = [.. tokens];
        Scores = scores is null ? new float[tokens.Count] : [.. scores];
        Types = types is null ? Enumerable.Repeat(TokenType.Normal, tokens.Count).ToArray() : [.. types];
        Merges = merges is null ? [] : [.. merges];
        Special = special;
        PreTokenizer = preTokenizer;
        ChatTemplate = chatTemplate;
    }

    /// <summary><see cref="SentencePieceModel"/> or <see cref="BytePairModel"/>.</summary>
    public string Model { get; }

    /// <summary>Token pieces by id.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Scores by id (SentencePiece merge priority; higher merges first).</summary>
    public IReadOnlyList<float> Scores { get; }

    /// <summary>Token types by id.</summary>
    public IReadOnlyList<TokenType> Types { get; }

    /// <summary>BPE merges in rank order, each "left right".</summary>
    public IReadOnlyList<string> Merges { get; }

    /// <summary>Special token ids and flags.</summary>
    public SpecialTokens Special { get; }

    /// <summary>The BPE pre-tokenizer name (<c>tokenizer.ggml.pre</c>): <c>llama3</c>, <c>qwen2</c> or <c>default</c>.</summary>
    public string? PreTokenizer { get; }

    /// <summary>The Jinja chat template text (<c>tokenizer.chat_template</c>), if any.</summary>
    public string? ChatTemplate { get; }

    /// <summary>Number of tokens.</summary>
    public int Count => Tokens.Count;
}
