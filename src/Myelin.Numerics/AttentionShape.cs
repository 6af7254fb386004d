namespace Myelin.Numerics;

/// <summary>
/// The geometry of one <see cref="IKernels.Attention"/> call. Q and the output are
/// <c>[QueryLength, Heads, HeadDim]</c>; K and V are <c>[KvLength, KvHeads, HeadDim]</c>, all row-major.
/// </summary>
/// <param name="QueryLength">Number of query tokens.</param>
/// <param name="KvLength">Number of key/value tokens (cached plus new); at least <paramref name="QueryLength"/> when causal.</param>
/// <param name="Heads">Query heads.</param>
/// <param name="KvHeads">Key/value heads; must divide <paramref name="Heads"/> (grouped-query attention).</param>
/// <param name="HeadDim">Dimensions per head.</param>
/// <param name="Causal">When true, query i attends to keys 0..QueryOffset + i only.</param>
/// <param name="QueryOffset">Absolute position of query 0 among the keys; -1 means KvLength - QueryLength.</param>
/// <param name="Scale">Score scale; 0 means 1 / sqrt(HeadDim).</param>
public readonly record struct AttentionShape(
    int QueryLength,
    int KvLength,
    int Heads,
    int KvHeads,
    int HeadDim,
    bool Causal = true,
    int QueryOffset = -1,
    float Scale = 0f)
{
    /// <summary>The position of query 0 with the default resolved.</summary>
    public int EffectiveQueryOffset => QueryOffset < 0 ? KvLength - QueryLength : QueryOffset;

    /// <summary>The score scale with the default resolved.</summary>
    public float EffectiveScale => Scale == 0f ? 1f / MathF.Sqrt(HeadDim) : Scale;

    /// <summary>Throws when the geometry is inconsistent.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(QueryLength);
        ArgumentOutOfRangeException.ThrowIfNegative(KvLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(KvHeads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HeadDim);
        if (Heads % KvHeads != 0)
        {
            throw new ArgumentException("KvHeads must divide Heads.", nameof(KvHeads));
        }
    }
}
