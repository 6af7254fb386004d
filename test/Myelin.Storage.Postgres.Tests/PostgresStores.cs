using Myelin.Core.Storage;
using Myelin.TestUtilities;

namespace Myelin.Storage.Postgres;

/// <summary>Makes a fresh, migrated PostgreSQL store in its own schema and blob directory for each conformance test.</summary>
internal static class PostgresStores
{
    public static async Task<IMyelinStorage> CreateAsync(PostgresFixture fixture, Action<object> track)
    {
        var blobs = new TempDirectory("myelin-pg-blobs");
        track(blobs);
        var options = new PostgresStorageOptions { ConnectionString = await fixture.CreateSchemaAsync(), BlobDirectory = blobs.Path };
        return await OpenAsync(options);
    }

    public static async Task<PostgresMyelinStorage> OpenAsync(PostgresStorageOptions options)
    {
        PostgresMyelinStorage storage = await PostgresMyelinStorage.OpenAsync(options);
        await storage.MigrateAsync();
        return storage;
    }
}
