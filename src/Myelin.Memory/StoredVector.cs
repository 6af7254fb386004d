namespace Myelin.Memory;

/// <summary>An item's stored embedding.</summary>
/// <param name="Sequence">The item's store sequence; vectors are read in ascending order so a cache can resume.</param>
/// <param name="Id">The item id.</param>
/// <param name="Vector">The L2-normalised embedding.</param>
public sealed record StoredVector(long Sequence, string Id, float[] Vector);
