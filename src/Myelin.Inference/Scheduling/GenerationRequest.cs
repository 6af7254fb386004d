using Myelin.Inference.Caching;
using Myelin.Inference.Sampling;

namespace Myelin.Inference.Scheduling;

/// <summary>A prompt to continue, how to sample, and whose prefix cache it may use.</summary>
/// <param name="Prompt">Prompt token ids (at least one).</param>
/// <param name="Sampling">Sampling settings; <see cref="SamplingOptions.MaxTokens"/> bounds the completion.</param>
/// <param name="Tenant">The cache tenant: prefixes are only shared within it.</param>
public sealed record GenerationRequest(IReadOnlyList<int> Prompt, SamplingOptions Sampling, CacheTenant Tenant);
