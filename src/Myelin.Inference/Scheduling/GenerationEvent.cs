using Myelin.Inference.Sampling;

namespace Myelin.Inference.Scheduling;

/// <summary>One generated token of a request, or its end.</summary>
/// <param name="Token">The token id (when <paramref name="Stop"/> is <see cref="StopReason.StopToken"/>, the stop token itself, which is not text).</param>
/// <param name="Stop">Why generation ended with this event, or <see cref="StopReason.None"/>.</param>
/// <param name="CachedPromptTokens">Prompt tokens loaded from the prefix cache instead of computed.</param>
/// <param name="Logprob">The token's log-probability under the sampling distribution's logits (after penalties).</param>
/// <param name="TopLogprobs">The most likely alternatives when <see cref="SamplingOptions.TopLogprobs"/> asked for them, else empty.</param>
public readonly record struct GenerationEvent(int Token, StopReason Stop, int CachedPromptTokens, float Logprob, TokenLogprob[] TopLogprobs);
