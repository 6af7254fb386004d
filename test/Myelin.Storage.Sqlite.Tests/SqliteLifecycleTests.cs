using Myelin.Conformance;
using Myelin.Core.Storage;

namespace Myelin.Storage.Sqlite;

public sealed class SqliteLifecycleTests : LifecycleConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => SqliteStores.CreateAsync(Track);

    protected override Task<IMyelinStorage> ReopenAsync(IMyelinStorage storage) => SqliteStores.ReopenAsync(storage);
}
