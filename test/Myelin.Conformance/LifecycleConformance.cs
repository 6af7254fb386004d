using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Core.Storage;

namespace Myelin.Conformance;

/// <summary>Migrations, reopening an existing store, and stats.</summary>
public abstract class LifecycleConformance : StorageConformanceBase
{
    /// <summary>Disposes <paramref name="storage"/> and opens (and migrates) a new instance over the same data.</summary>
    protected abstract Task<IMyelinStorage> ReopenAsync(IMyelinStorage storage);

    [Fact]
    public async Task Migrate_IsIdempotent()
    {
        IMyelinStorage storage = await NewStorageAsync();
        int version = (await storage.GetStatsAsync(TenantId.Default)).SchemaVersion;

        await storage.MigrateAsync();
        await storage.MigrateAsync();

        Assert.True(version > 0);
        Assert.Equal(version, (await storage.GetStatsAsync(TenantId.Default)).SchemaVersion);
        Assert.Single(await storage.Tenants.ListAsync());
    }

    [Fact]
    public async Task Reopening_KeepsEverything()
    {
        IMyelinStorage storage = await NewStorageAsync();
        await storage.Tenants.CreateAsync(TenantA, "A");
        await storage.Log.AppendAsync(TenantA, [Record(key: "k"), Record(ExperienceKinds.Turn)]);
        await storage.Checkpoints.SetAsync(TenantA, "c", 2);
        var key = await storage.ApiKeys.CreateAsync(TenantA, "k", Role.Writer);
        var blob = await storage.Blobs.PutAsync(TenantA, new MemoryStream([1, 2, 3]));

        IMyelinStorage reopened = await ReopenAsync(storage);
        Track(reopened);

        Assert.Equal(2, await reopened.Log.GetHeadOffsetAsync(TenantA));
        Assert.True((await reopened.Log.AppendAsync(TenantA, [Record(key: "k")]))[0].Duplicate);
        Assert.Equal(3, (await reopened.Log.AppendAsync(TenantA, [Record()]))[0].Offset);
        Assert.Equal(2, await reopened.Checkpoints.GetAsync(TenantA, "c"));
        Assert.Equal(TenantA, (await reopened.ApiKeys.AuthenticateAsync(key.Secret))!.Tenant);
        Assert.Equal(blob, await reopened.Blobs.GetAsync(TenantA, blob.Sha256));
        Assert.NotNull(await reopened.Tenants.GetAsync(TenantA));
    }

    [Fact]
    public async Task Stats_CountTheTenantsOwnData()
    {
        IMyelinStorage storage = await NewStorageAsync();
        await storage.Tenants.CreateAsync(TenantA, "A");
        await storage.Tenants.CreateAsync(TenantB, "B");
        await storage.Log.AppendAsync(TenantA, Records(4));
        await storage.Log.AppendAsync(TenantB, Records(9));
        await storage.ApiKeys.CreateAsync(TenantA, "one", Role.Reader);
        var revoked = await storage.ApiKeys.CreateAsync(TenantA, "two", Role.Reader);
        await storage.ApiKeys.RevokeAsync(TenantA, revoked.Info.KeyId);
        await storage.Blobs.PutAsync(TenantA, new MemoryStream(new byte[10]));
        await storage.Blobs.PutAsync(TenantA, new MemoryStream(new byte[10]));
        await storage.Blobs.PutAsync(TenantA, new MemoryStream(new byte[5]));
        await storage.Blobs.PutAsync(TenantB, new MemoryStream(new byte[1000]));

        StorageStats stats = await storage.GetStatsAsync(TenantA);

        Assert.Equal(storage.Provider, stats.Provider);
        Assert.Contains(stats.Provider, new[] { "sqlite", "postgres" });
        Assert.False(string.IsNullOrEmpty(stats.Location));
        Assert.DoesNotContain("password", stats.Location, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(4, stats.LogRecords);
        Assert.Equal(1, stats.ApiKeys);
        Assert.Equal(2, stats.Blobs);
        Assert.Equal(15, stats.BlobBytes);
    }
}
