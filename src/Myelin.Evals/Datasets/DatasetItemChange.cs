namespace Myelin.Evals.Datasets;

/// <summary>An item present in both versions of a diff with different content.</summary>
/// <param name="Id">The item id.</param>
/// <param name="Before">The item in the older version.</param>
/// <param name="After">The item in the newer version.</param>
/// <param name="Fields">Names of the fields that differ (<c>input</c>, <c>expectedOutput</c>, <c>context</c>, <c>metadata</c>).</param>
public sealed record DatasetItemChange(string Id, DatasetItem Before, DatasetItem After, IReadOnlyList<string> Fields);
