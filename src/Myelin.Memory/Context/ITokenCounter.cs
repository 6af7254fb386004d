namespace Myelin.Memory.Context;

/// <summary>Counts the tokens a piece of text takes in a model's context.</summary>
/// <remarks>
/// <see cref="ApproximateTokenCounter"/> needs no vocabulary; wrap a model's real tokenizer in this interface to budget
/// exactly for that model. Implementations must be deterministic and thread-safe: <see cref="ContextBuilder"/> calls
/// them many times per build and relies on the same text always counting the same.
/// </remarks>
public interface ITokenCounter
{
    /// <summary>The number of tokens <paramref name="text"/> takes (0 for an empty string, never negative).</summary>
    int CountTokens(string text);
}
