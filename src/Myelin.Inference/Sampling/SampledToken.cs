namespace Myelin.Inference.Sampling;

/// <summary>The result of <see cref="Sampler.Sample"/>.</summary>
/// <param name="Token">The chosen token id.</param>
/// <param name="Logprob">Its natural-log probability under the penalised model distribution (before temperature and truncation).</param>
/// <param name="TopLogprobCount">How many alternatives were written to the caller's span.</param>
public readonly record struct SampledToken(int Token, float Logprob, int TopLogprobCount);
