namespace Myelin.Evals.Tracing;

/// <summary>What a model costs, in US dollars per one million tokens.</summary>
/// <param name="InputPerMillion">Price of uncached input tokens.</param>
/// <param name="OutputPerMillion">Price of output tokens.</param>
/// <param name="CachedInputPerMillion">Price of input tokens read from the provider's cache; the input price when null.</param>
public sealed record ModelPrice(decimal InputPerMillion, decimal OutputPerMillion, decimal? CachedInputPerMillion = null)
{
    /// <summary>The cost of one call; <paramref name="cachedInputTokens"/> are part of <paramref name="inputTokens"/>, as the conventions count them.</summary>
    public decimal Cost(long inputTokens, long outputTokens, long cachedInputTokens = 0)
    {
        long cached = Math.Clamp(cachedInputTokens, 0, Math.Max(0, inputTokens));
        long uncached = Math.Max(0, inputTokens) - cached;
        decimal total = (uncached * InputPerMillion)
            + (cached * (CachedInputPerMillion ?? InputPerMillion))
            + (Math.Max(0, outputTokens) * OutputPerMillion);
        return total / 1_000_000m;
    }
}
