namespace Myelin.Inference.Sampling;

/// <summary>A token and its natural-log probability under the (penalised) model distribution.</summary>
/// <param name="Token">Token id.</param>
/// <param name="Logprob">ln p(token).</param>
public readonly record struct TokenLogprob(int Token, float Logprob);
