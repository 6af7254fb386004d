using Myelin.Core.Storage;
using Myelin.TestUtilities;

namespace Myelin.Storage.Sqlite;

/// <summary>Makes a fresh, migrated SQLite store in its own temp data directory for each conformance test.</summary>
internal static class SqliteStores
{
    public static async Task<IMyelinStorage> CreateAsync(Action<object> track)
    {
        var directory = new TempDirectory("myelin-sqlite");
        track(directory);
        return await OpenAsync(directory.Path);
    }

    public static async Task<SqliteMyelinStorage> OpenAsync(string dataDirectory)
    {
        SqliteMyelinStorage storage = await SqliteMyelinStorage.OpenAsync(new SqliteStorageOptions { DataDirectory = dataDirectory });
        await storage.MigrateAsync();
        return storage;
    }

    public static async Task<IMyelinStorage> ReopenAsync(IMyelinStorage storage)
    {
        var sqlite = (SqliteMyelinStorage)storage;
        await sqlite.DisposeAsync();
        return await OpenAsync(sqlite.DataDirectory);
    }
}
