using Myelin.Inference.Sampling;

namespace Myelin.Inference.Scheduling;

/// <summary>One generated token of a request, or its end.</summary>
/// <param name="Token">The token id (when <paramref name="Stop"/> is <see cref="StopReason.StopToken"/>, the stop token itself, which is not text).</param>
/// <param name="Stop">Why generation ended with this event, or <see cref="StopReason.None"/>.</param>
/// <param name="CachedPromptTokens">Prompt tokens loaded from the prefix cache instead of computed.</param>
public readonly record struct GenerationEvent(int Token, StopReason Stop, int CachedPromptTokens);
