namespace Myelin.Inference.Caching;

/// <summary>Identifies one block of a <see cref="KvBlockPool"/>.</summary>
/// <param name="Value">The block's index in its pool.</param>
public readonly record struct KvBlockId(int Value);
