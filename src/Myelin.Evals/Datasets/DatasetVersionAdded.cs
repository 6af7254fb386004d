namespace Myelin.Evals.Datasets;

/// <summary>The answer of <see cref="IDatasetStore.AddVersionAsync"/>.</summary>
/// <param name="Version">The version holding the items.</param>
/// <param name="Created">False when a version with identical content already existed (it is returned instead).</param>
public sealed record DatasetVersionAdded(DatasetVersion Version, bool Created);
