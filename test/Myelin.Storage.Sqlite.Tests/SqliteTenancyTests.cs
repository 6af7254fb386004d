using Myelin.Conformance;
using Myelin.Core.Storage;

namespace Myelin.Storage.Sqlite;

public sealed class SqliteTenancyTests : TenancyConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => SqliteStores.CreateAsync(Track);
}
