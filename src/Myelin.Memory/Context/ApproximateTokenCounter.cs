namespace Myelin.Memory.Context;

/// <summary>A vocabulary-free token estimate: one token per started group of four letters or digits in a word, one
/// per punctuation mark or symbol, and one per CJK character; whitespace is free.</summary>
/// <remarks>
/// For English prose this lands close to, and usually slightly above, BPE tokenizers such as Llama 3's or GPT-4's, so
/// a budget met under this count is usually met under theirs too. It is an estimate: plug in the model's tokenizer
/// (<see cref="ITokenCounter"/>) where an exact fit matters. Stateless and thread-safe.
/// </remarks>
public sealed class ApproximateTokenCounter : ITokenCounter
{
    /// <summary>The shared instance.</summary>
    public static ApproximateTokenCounter Default { get; } = new();

    /// <inheritdoc />
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int tokens = 0;
        int run = 0;
        foreach (char c in text)
        {
            if (c >= '\u2e80' && !char.IsSurrogate(c))
            {
                // CJK and other wide scripts: BPE vocabularies mostly spend a token per character.
                tokens += (run + 3) / 4 + 1;
                run = 0;
            }
            else if (char.IsLetterOrDigit(c) || char.IsSurrogate(c))
            {
                run++;
            }
            else
            {
                tokens += (run + 3) / 4;
                run = 0;
                if (!char.IsWhiteSpace(c))
                {
                    tokens++;
                }
            }
        }

        return tokens + ((run + 3) / 4);
    }
}
