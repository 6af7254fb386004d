using Myelin.Conformance;
using Myelin.Core.Storage;
using Myelin.TestUtilities;

namespace Myelin.Storage.Postgres;

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
