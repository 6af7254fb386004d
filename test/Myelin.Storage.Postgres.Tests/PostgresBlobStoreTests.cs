using Myelin.Conformance;
using Myelin.Core.Storage;
using Myelin.TestUtilities;

namespace Myelin.Storage.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresBlobStoreTests(PostgresFixture fixture) : BlobStoreConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => PostgresStores.CreateAsync(fixture, Track);

    protected override string GetBlobDirectory(IMyelinStorage storage) => ((PostgresMyelinStorage)storage).BlobDirectory;
}
