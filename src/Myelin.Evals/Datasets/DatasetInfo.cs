namespace Myelin.Evals.Datasets;

/// <summary>A dataset: a named series of content-hashed versions.</summary>
/// <param name="Name">Name, unique in the tenant.</param>
/// <param name="Description">Free text.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="VersionCount">How many versions it has.</param>
/// <param name="LatestVersion">The newest version; null before the first.</param>
public sealed record DatasetInfo(string Name, string? Description, DateTimeOffset CreatedAt, int VersionCount, DatasetVersion? LatestVersion);
