using Myelin.Conformance;
using Myelin.Core.Storage;

namespace Myelin.Storage.Sqlite;

public sealed class SqliteBlobStoreTests : BlobStoreConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => SqliteStores.CreateAsync(Track);

    protected override string GetBlobDirectory(IMyelinStorage storage) => ((SqliteMyelinStorage)storage).BlobDirectory;
}
