using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Core.Blobs;
using Myelin.Core.Log;
using Myelin.Core.Storage;
using Myelin.Core.Tenancy;
using Myelin.Storage.Sqlite.Internal;

namespace Myelin.Storage.Sqlite;

/// <summary>The embedded default storage: one SQLite database file (WAL, durable commits) and blobs on local disk.</summary>
/// <remarks>
/// <para>Open with <see cref="OpenAsync"/>, call <see cref="MigrateAsync"/>, then share the instance: it is thread-safe.
/// Writes go through one connection behind a lock; reads use a pool of connections and run beside writes.</para>
/// <para>Layout: <c>{DataDirectory}/myelin.db</c> and <c>{DataDirectory}/blobs/{tenant}/{hh}/{sha256}</c>.</para>
/// <para>Dispose it to close the database; operations after that throw <see cref="ObjectDisposedException"/>.</para>
/// </remarks>
public sealed class SqliteMyelinStorage : IMyelinStorage
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    private SqliteMyelinStorage(SqliteDatabase database, string dataDirectory, BlobFiles files, TimeProvider time)
    {
        _database = database;
        _time = time;
        DataDirectory = dataDirectory;
        Log = new SqliteExperienceLog(database, time);
        Checkpoints = new SqliteCheckpointStore(database, time);
        Tenants = new SqliteTenantStore(database, time);
        ApiKeys = new SqliteApiKeyStore(database, time);
        Blobs = new SqliteBlobStore(database, files, time);
    }

    /// <inheritdoc />
    public string Provider => "sqlite";

    /// <summary>The data directory (absolute path).</summary>
    public string DataDirectory { get; }

    /// <summary>The database file (absolute path).</summary>
    public string DatabasePath => _database.FilePath;

    /// <summary>The directory that holds blob bytes (absolute path).</summary>
    public string BlobDirectory => Path.Combine(DataDirectory, "blobs");

    /// <inheritdoc />
    public IExperienceLog Log { get; }

    /// <inheritdoc />
    public ICheckpointStore Checkpoints { get; }

    /// <inheritdoc />
    public ITenantStore Tenants { get; }

    /// <inheritdoc />
    public IApiKeyStore ApiKeys { get; }

    /// <inheritdoc />
    public IBlobStore Blobs { get; }

    /// <summary>Opens (creating when missing) the data directory and its database. Call <see cref="MigrateAsync"/> next.</summary>
    /// <param name="options">Where the data lives.</param>
    /// <param name="timeProvider">The clock for recorded times; the system clock when null.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <exception cref="MyelinValidationException">The options are invalid.</exception>
    public static Task<SqliteMyelinStorage> OpenAsync(
        SqliteStorageOptions options, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            throw new MyelinValidationException("invalid_data_directory", "The SQLite data directory is required.");
        }

        if (options.BusyTimeout < TimeSpan.Zero)
        {
            throw new MyelinValidationException("invalid_busy_timeout", "The SQLite busy timeout must not be negative.");
        }

        string dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var files = new BlobFiles(Path.Combine(dataDirectory, "blobs"));
        files.SweepTemporaryFiles(TimeSpan.FromHours(1));
        SqliteDatabase database = SqliteDatabase.Open(Path.Combine(dataDirectory, SqliteStorageOptions.DatabaseFileName), options);
        return Task.FromResult(new SqliteMyelinStorage(database, dataDirectory, files, timeProvider ?? TimeProvider.System));
    }

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        long now = UnixMicros.From(_time.GetUtcNow());
        return _database.WriteAsync(
            session =>
            {
                SqliteMigrations.Apply(session, now);
                SqliteTenantStore.Insert(session, TenantId.Default.Value, "Default", now);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<StorageStats> GetStatsAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        return _database.ReadAsync(
            session =>
            {
                var counts = session.Command("""
                    SELECT (SELECT COUNT(*) FROM log WHERE tenant = @tenant),
                           (SELECT COUNT(*) FROM api_keys WHERE tenant = @tenant AND revoked_at IS NULL),
                           (SELECT COUNT(*) FROM blobs WHERE tenant = @tenant),
                           (SELECT COALESCE(SUM(length), 0) FROM blobs WHERE tenant = @tenant)
                    """);
                counts.Parameters.AddWithValue("@tenant", tenantId);
                using SqliteDataReader reader = counts.ExecuteReader();
                reader.Read();
                return new StorageStats(
                    Provider,
                    DatabasePath,
                    SqliteMigrations.CurrentVersion(session),
                    reader.GetInt64(0),
                    reader.GetInt64(1),
                    reader.GetInt64(2),
                    reader.GetInt64(3));
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _database.DisposeAsync();

    /// <summary>Reads a PRAGMA on the writer connection (tests check WAL and durability settings with it).</summary>
    internal Task<string> QueryWriterPragmaAsync(string pragma, CancellationToken cancellationToken = default)
    {
        if (!pragma.All(c => char.IsAsciiLetter(c) || c == '_'))
        {
            throw new MyelinValidationException("invalid_pragma", $"'{pragma}' is not a PRAGMA name.");
        }

        return _database.WriteAsync(
            session => Convert.ToString(session.Command("PRAGMA " + pragma).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "",
            cancellationToken);
    }
}
