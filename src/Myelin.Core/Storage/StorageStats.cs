namespace Myelin.Core.Storage;

/// <summary>Counts shown on the dashboard's status page for one tenant.</summary>
/// <param name="Provider">The storage provider's name (<c>sqlite</c> or <c>postgres</c>).</param>
/// <param name="Location">Where the data lives (a file path, or a redacted connection target).</param>
/// <param name="SchemaVersion">The highest applied migration.</param>
/// <param name="LogRecords">Records in the tenant's log.</param>
/// <param name="ApiKeys">Active keys of the tenant.</param>
/// <param name="Blobs">Distinct blobs the tenant references.</param>
/// <param name="BlobBytes">Total bytes of those blobs.</param>
public sealed record StorageStats(
    string Provider, string Location, int SchemaVersion, long LogRecords, long ApiKeys, long Blobs, long BlobBytes);
