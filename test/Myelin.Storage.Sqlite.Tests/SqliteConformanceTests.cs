using Myelin.Conformance;
using Myelin.Core.Storage;

namespace Myelin.Storage.Sqlite;

public sealed class SqliteExperienceLogTests : ExperienceLogConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => SqliteStores.CreateAsync(Track);
}

public sealed class SqliteLogQueryTests : LogQueryConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => SqliteStores.CreateAsync(Track);
}

public sealed class SqliteCheckpointTests : CheckpointConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => SqliteStores.CreateAsync(Track);
}

public sealed class SqliteTenancyTests : TenancyConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => SqliteStores.CreateAsync(Track);
}

public sealed class SqliteBlobStoreTests : BlobStoreConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => SqliteStores.CreateAsync(Track);

    protected override string GetBlobDirectory(IMyelinStorage storage) => ((SqliteMyelinStorage)storage).BlobDirectory;
}

public sealed class SqliteLifecycleTests : LifecycleConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => SqliteStores.CreateAsync(Track);

    protected override Task<IMyelinStorage> ReopenAsync(IMyelinStorage storage) => SqliteStores.ReopenAsync(storage);
}

public sealed class SqliteTenantIsolationProperty : TenantIsolationProperty
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => SqliteStores.CreateAsync(Track);
}
