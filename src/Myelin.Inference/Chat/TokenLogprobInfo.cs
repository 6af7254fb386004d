namespace Myelin.Inference.Chat;

/// <summary>One generated token with its log-probability and the most likely alternatives, as OpenAI's API reports them.</summary>
/// <param name="Token">The token's text (a token holding part of a character shows U+FFFD; see <paramref name="Bytes"/>).</param>
/// <param name="Bytes">The token's UTF-8 bytes.</param>
/// <param name="Logprob">Its log-probability.</param>
/// <param name="TopLogprobs">The most likely tokens at this position, most likely first (empty unless asked for).</param>
public sealed record TokenLogprobInfo(string Token, IReadOnlyList<byte> Bytes, float Logprob, IReadOnlyList<TokenLogprobInfo> TopLogprobs)
{
    /// <summary>The <c>ChatResponseUpdate.AdditionalProperties</c> key holding the tokens of that update.</summary>
    public const string UpdateProperty = "myelin.logprobs";

    /// <summary>The <c>ChatOptions.AdditionalProperties</c> key asking for log-probabilities (true).</summary>
    public const string RequestProperty = "myelin.logprobs";

    /// <summary>The <c>ChatOptions.AdditionalProperties</c> key asking for this many alternatives per token (0-20).</summary>
    public const string TopRequestProperty = "myelin.top_logprobs";
}
