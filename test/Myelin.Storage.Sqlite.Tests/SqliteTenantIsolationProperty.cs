using Myelin.Conformance;
using Myelin.Core.Storage;

namespace Myelin.Storage.Sqlite;

public sealed class SqliteTenantIsolationProperty : TenantIsolationProperty
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => SqliteStores.CreateAsync(Track);
}
