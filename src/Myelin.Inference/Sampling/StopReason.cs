namespace Myelin.Inference.Sampling;

/// <summary>Why generation ended (or that it has not).</summary>
public enum StopReason
{
    /// <summary>Generation continues.</summary>
    None = 0,

    /// <summary>A stop token was sampled.</summary>
    StopToken = 1,

    /// <summary><see cref="SamplingOptions.MaxTokens"/> tokens were generated.</summary>
    MaxTokens = 2,
}
