using Myelin.Core.Storage;
using Myelin.Storage.Postgres;
using Myelin.Storage.Sqlite;

namespace Myelin.Hosting;

/// <summary>Opens the storage provider the options select and applies its migrations.</summary>
public static class MyelinStorageFactory
{
    /// <summary>Opens SQLite under <see cref="MyelinOptions.DataDirectory"/>, or PostgreSQL when a connection string is set, and migrates it.</summary>
    /// <remarks>The caller owns the returned storage and disposes it at shutdown.</remarks>
    public static async Task<IMyelinStorage> OpenAsync(MyelinOptions options, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        string dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        IMyelinStorage storage = options.PostgresConnectionString is { } connectionString
            ? await PostgresMyelinStorage.OpenAsync(
                new PostgresStorageOptions { ConnectionString = connectionString, BlobDirectory = Path.Combine(dataDirectory, "blobs") },
                timeProvider,
                cancellationToken).ConfigureAwait(false)
            : await SqliteMyelinStorage.OpenAsync(
                new SqliteStorageOptions { DataDirectory = dataDirectory },
                timeProvider,
                cancellationToken).ConfigureAwait(false);
        try
        {
            await storage.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return storage;
        }
        catch
        {
            await storage.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
