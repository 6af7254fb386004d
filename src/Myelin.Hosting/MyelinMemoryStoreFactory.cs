using Myelin.Memory;
using Myelin.Memory.Postgres;
using Myelin.Memory.Storage;

namespace Myelin.Hosting;

/// <summary>Opens the memory store that goes with the storage provider the options select.</summary>
public static class MyelinMemoryStoreFactory
{
    /// <summary>Opens <c>{data}/memory.db</c> (SQLite), or the memory tables in the PostgreSQL database when a
    /// connection string is set (migrating them), so servers sharing one database share their memories too.</summary>
    /// <remarks>The caller owns the returned store and disposes it (both stores are <see cref="IAsyncDisposable"/>).</remarks>
    public static async Task<IMemoryStore> OpenAsync(MyelinOptions options, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PostgresConnectionString is { } connectionString)
        {
            return await PostgresMemoryStore.OpenAsync(connectionString, timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return await SqliteMemoryStore.OpenInDirectoryAsync(Path.GetFullPath(options.DataDirectory), timeProvider, cancellationToken)
            .ConfigureAwait(false);
    }
}
