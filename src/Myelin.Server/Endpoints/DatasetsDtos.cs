namespace Myelin.Server.Endpoints;

/// <summary>The body of <c>POST /api/datasets</c>.</summary>
/// <param name="Name">1-100 characters of a-z, 0-9, '.', '_' and '-'.</param>
/// <param name="Description">Optional free text.</param>
public sealed record CreateDatasetRequest(string? Name, string? Description);

/// <summary>One version of a dataset.</summary>
/// <param name="Id">SHA-256 (hex) of the canonical items; identical content has the identical id.</param>
/// <param name="Number">1, 2, ... in order of creation.</param>
/// <param name="ItemCount">Items in the version.</param>
/// <param name="CreatedAt">When it was first added.</param>
public sealed record DatasetVersionOutput(string Id, int Number, int ItemCount, DateTimeOffset CreatedAt);

/// <summary>A dataset in listings.</summary>
/// <param name="Name">Name.</param>
/// <param name="Description">Description.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="VersionCount">Versions.</param>
/// <param name="LatestVersion">The newest version, if any.</param>
public sealed record DatasetOutput(string Name, string? Description, DateTimeOffset CreatedAt, int VersionCount, DatasetVersionOutput? LatestVersion);

/// <summary>A dataset with all its versions, oldest first.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="Versions">Its versions.</param>
public sealed record DatasetDetailOutput(DatasetOutput Dataset, IReadOnlyList<DatasetVersionOutput> Versions);

/// <summary>One dataset item.</summary>
/// <param name="Id">Item id.</param>
/// <param name="Input">Input.</param>
/// <param name="ExpectedOutput">Golden answer.</param>
/// <param name="Context">Context passages.</param>
/// <param name="Metadata">Metadata.</param>
public sealed record DatasetItemOutput(
    string Id, string Input, string? ExpectedOutput, IReadOnlyList<string> Context, IReadOnlyDictionary<string, string> Metadata);

/// <summary>A version with its items in order.</summary>
/// <param name="Version">The version.</param>
/// <param name="Items">Its items.</param>
public sealed record DatasetItemsOutput(DatasetVersionOutput Version, IReadOnlyList<DatasetItemOutput> Items);

/// <summary>The answer of adding a version.</summary>
/// <param name="Version">The version holding the items.</param>
/// <param name="Created">False when identical content already was a version (returned instead, with status 200).</param>
public sealed record DatasetVersionAddedOutput(DatasetVersionOutput Version, bool Created);

/// <summary>An item whose content differs between two versions.</summary>
/// <param name="Id">Item id.</param>
/// <param name="Fields">Fields that differ.</param>
/// <param name="Before">The item in the older version.</param>
/// <param name="After">The item in the newer version.</param>
public sealed record DatasetItemChangeOutput(string Id, IReadOnlyList<string> Fields, DatasetItemOutput Before, DatasetItemOutput After);

/// <summary>The answer of <c>GET /api/datasets/{name}/diff</c>.</summary>
/// <param name="From">Version id diffed from.</param>
/// <param name="To">Version id diffed to.</param>
/// <param name="Added">Items only in <paramref name="To"/>.</param>
/// <param name="Removed">Items only in <paramref name="From"/>.</param>
/// <param name="Changed">Items in both with different content.</param>
/// <param name="Unchanged">Identical items.</param>
public sealed record DatasetDiffOutput(
    string From,
    string To,
    IReadOnlyList<DatasetItemOutput> Added,
    IReadOnlyList<DatasetItemOutput> Removed,
    IReadOnlyList<DatasetItemChangeOutput> Changed,
    int Unchanged);
