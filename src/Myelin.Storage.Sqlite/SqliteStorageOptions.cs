namespace Myelin.Storage.Sqlite;

/// <summary>Where and how the embedded SQLite store keeps its data.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>The database file's name inside <see cref="DataDirectory"/>.</summary>
    public const string DatabaseFileName = "myelin.db";

    /// <summary>The data directory: holds <c>myelin.db</c> and the <c>blobs</c> folder. Created when missing.</summary>
    public string DataDirectory { get; set; } = "./.myelin";

    /// <summary>How long a write waits for another process holding the database lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many idle read connections are kept open for reuse.</summary>
    public int MaxIdleReaders { get; set; } = 16;
}
