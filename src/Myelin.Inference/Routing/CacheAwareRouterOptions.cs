namespace Myelin.Inference.Routing;

/// <summary>How <see cref="CacheAwareRouter"/> trades cache affinity against load.</summary>
public sealed class CacheAwareRouterOptions
{
    /// <summary>Route by cache only when the best replica's match covers at least this share of the prompt.</summary>
    public double CacheThreshold { get; set; } = 0.5;

    /// <summary>Ignore cache affinity when the busiest replica has more than this many requests in flight beyond the idlest.</summary>
    public int BalanceAbsoluteThreshold { get; set; } = 4;

    /// <summary>...and more than this multiple of the idlest replica's load.</summary>
    public double BalanceRelativeThreshold { get; set; } = 2.0;

    /// <summary>Characters each replica's approximate tree keeps before pruning its least recently used prompts.</summary>
    public int MaxTreeCharacters { get; set; } = 4_000_000;
}
