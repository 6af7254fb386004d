using Myelin.Core;
using Myelin.TestUtilities;

namespace Myelin.Evals.Datasets;

public sealed class SqliteDatasetStoreTests
{
    private static readonly TenantId s_tenant = new("acme");
    private static readonly TenantId s_other = new("other");

    [Fact]
    public async Task Versions_are_content_addressed_numbered_and_listed()
    {
        using var dir = new TempDirectory("evals-ds");
        await using SqliteDatasetStore store = SqliteDatasetStore.Open(dir.Path);
        await store.CreateAsync(s_tenant, "qa", "golden questions");

        DatasetVersionAdded v1 = await store.AddVersionAsync(s_tenant, "qa", [new DatasetItem { Id = "1", Input = "q1", ExpectedOutput = "a1" }]);
        DatasetVersionAdded again = await store.AddVersionAsync(s_tenant, "qa", [new DatasetItem { Id = "1", Input = "q1", ExpectedOutput = "a1" }]);
        DatasetVersionAdded v2 = await store.AddVersionAsync(
            s_tenant, "qa", [new DatasetItem { Id = "1", Input = "q1", ExpectedOutput = "a1" }, new DatasetItem { Input = "q2", Context = ["c"] }]);

        Assert.True(v1.Created);
        Assert.False(again.Created);
        Assert.Equal(v1.Version, again.Version);
        Assert.Equal(1, v1.Version.Number);
        Assert.Equal(2, v2.Version.Number);
        Assert.Equal(v1.Version.Id, DatasetCanonical.VersionId(DatasetCanonical.Normalize([new DatasetItem { Id = "1", Input = "q1", ExpectedOutput = "a1" }])));
        Assert.Equal([1, 2], (await store.ListVersionsAsync(s_tenant, "qa")).Select(v => v.Number));

        DatasetInfo info = await store.GetAsync(s_tenant, "qa");
        Assert.Equal(2, info.VersionCount);
        Assert.Equal(v2.Version.Id, info.LatestVersion!.Id);
        Assert.Equal("golden questions", info.Description);

        IReadOnlyList<DatasetItem> latest = await store.GetItemsAsync(s_tenant, "qa", "latest");
        Assert.Equal(["q1", "q2"], latest.Select(i => i.Input));
        Assert.Equal(["c"], latest[1].Context);
        Assert.Equal(v1.Version, await store.GetVersionAsync(s_tenant, "qa", "v1"));
        Assert.Equal(v2.Version, await store.GetVersionAsync(s_tenant, "qa", v2.Version.Id.ToUpperInvariant()));
    }

    [Fact]
    public async Task Everything_is_tenant_scoped_and_errors_are_specific()
    {
        using var dir = new TempDirectory("evals-ds");
        await using SqliteDatasetStore store = SqliteDatasetStore.Open(dir.Path);
        await store.CreateAsync(s_tenant, "qa");
        await store.AddVersionAsync(s_tenant, "qa", [new DatasetItem { Input = "q" }]);

        Assert.Empty(await store.ListAsync(s_other));
        Assert.Equal("dataset_not_found", (await Assert.ThrowsAsync<MyelinNotFoundException>(() => store.GetItemsAsync(s_other, "qa", "latest"))).Code);
        Assert.Equal("dataset_exists", (await Assert.ThrowsAsync<MyelinConflictException>(() => store.CreateAsync(s_tenant, "qa"))).Code);
        Assert.Equal("invalid_dataset_name", (await Assert.ThrowsAsync<MyelinValidationException>(() => store.CreateAsync(s_tenant, "Bad Name"))).Code);
        Assert.Equal("version_not_found", (await Assert.ThrowsAsync<MyelinNotFoundException>(() => store.GetVersionAsync(s_tenant, "qa", "v9"))).Code);
        Assert.Equal("invalid_version", (await Assert.ThrowsAsync<MyelinValidationException>(() => store.GetVersionAsync(s_tenant, "qa", "abc"))).Code);

        // A bad item refuses the whole version: nothing half-written.
        await Assert.ThrowsAsync<MyelinValidationException>(() => store.AddVersionAsync(s_tenant, "qa", [new DatasetItem { Input = "fine" }, new DatasetItem { Input = "" }]));
        Assert.Single(await store.ListVersionsAsync(s_tenant, "qa"));
    }

    [Fact]
    public async Task Data_survives_reopening_the_file()
    {
        using var dir = new TempDirectory("evals-ds");
        string id;
        await using (SqliteDatasetStore store = SqliteDatasetStore.Open(dir.Path))
        {
            await store.CreateAsync(s_tenant, "qa");
            id = (await store.AddVersionAsync(s_tenant, "qa", [new DatasetItem { Input = "q" }])).Version.Id;
        }

        await using SqliteDatasetStore reopened = SqliteDatasetStore.Open(dir.Path);
        Assert.Equal(id, (await reopened.GetVersionAsync(s_tenant, "qa", "latest")).Id);
        Assert.EndsWith("evals.db", reopened.FilePath, StringComparison.Ordinal);
    }
}
