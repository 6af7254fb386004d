namespace Myelin.Inference.Caching;

/// <summary>Where <see cref="RadixPrefixCache"/> puts prefixes it evicts from memory, so they can be restored later.</summary>
public interface IKvSpillTier
{
    /// <summary>Keeps the KV of a whole prefix (from position 0).</summary>
    /// <param name="tenant">The tenant the prefix belongs to.</param>
    /// <param name="tokens">[tokens] the prefix's token ids.</param>
    /// <param name="keys">[layers][tokens * kvDim] keys.</param>
    /// <param name="values">[layers][tokens * kvDim] values.</param>
    void Spill(CacheTenant tenant, int[] tokens, float[][] keys, float[][] values);
}
