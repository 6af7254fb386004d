using Myelin.Conformance;
using Myelin.Core.Storage;

namespace Myelin.Storage.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresExperienceLogTests(PostgresFixture fixture) : ExperienceLogConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => PostgresStores.CreateAsync(fixture, Track);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresLogQueryTests(PostgresFixture fixture) : LogQueryConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => PostgresStores.CreateAsync(fixture, Track);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCheckpointTests(PostgresFixture fixture) : CheckpointConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => PostgresStores.CreateAsync(fixture, Track);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresTenancyTests(PostgresFixture fixture) : TenancyConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => PostgresStores.CreateAsync(fixture, Track);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresBlobStoreTests(PostgresFixture fixture) : BlobStoreConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => PostgresStores.CreateAsync(fixture, Track);

    protected override string GetBlobDirectory(IMyelinStorage storage) => ((PostgresMyelinStorage)storage).BlobDirectory;
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresLifecycleTests(PostgresFixture fixture) : LifecycleConformance
{
    private readonly Dictionary<IMyelinStorage, PostgresStorageOptions> _options = [];

    protected override async Task<IMyelinStorage> CreateStorageAsync()
    {
        var blobs = new Myelin.TestUtilities.TempDirectory("myelin-pg-blobs");
        Track(blobs);
        var options = new PostgresStorageOptions { ConnectionString = await fixture.CreateSchemaAsync(), BlobDirectory = blobs.Path };
        PostgresMyelinStorage storage = await PostgresStores.OpenAsync(options);
        _options[storage] = options;
        return storage;
    }

    protected override async Task<IMyelinStorage> ReopenAsync(IMyelinStorage storage)
    {
        await storage.DisposeAsync();
        return await PostgresStores.OpenAsync(_options[storage]);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresTenantIsolationProperty(PostgresFixture fixture) : TenantIsolationProperty
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => PostgresStores.CreateAsync(fixture, Track);
}
