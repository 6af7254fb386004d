namespace Myelin.Evals.Datasets;

/// <summary>One immutable version of a dataset.</summary>
/// <param name="Dataset">The dataset's name.</param>
/// <param name="Id">The SHA-256 (hex) of the canonical items: identical content has the identical id.</param>
/// <param name="Number">1 for the first version, then increasing.</param>
/// <param name="ItemCount">Items in the version.</param>
/// <param name="CreatedAt">When the version was first added.</param>
public sealed record DatasetVersion(string Dataset, string Id, int Number, int ItemCount, DateTimeOffset CreatedAt);
