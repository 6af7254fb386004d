using Myelin.Core;
using Myelin.Core.Blobs;
using Myelin.Core.Log;
using Myelin.Core.Storage;
using Myelin.Core.Tenancy;
using Myelin.Storage.Postgres.Internal;
using Npgsql;

namespace Myelin.Storage.Postgres;

/// <summary>The scale-out storage: the same contracts on PostgreSQL, with blob bytes in a shared directory.</summary>
/// <remarks>
/// <para>Open with <see cref="OpenAsync"/>, call <see cref="MigrateAsync"/> (safe from several servers at once), then share
/// the instance: it is thread-safe and pools connections through one <see cref="NpgsqlDataSource"/>.</para>
/// <para>Several servers may share one database: per-tenant offsets are assigned under a row lock, so they stay
/// contiguous however appends interleave.</para>
/// <para>The connection string is a secret: <see cref="GetStatsAsync"/> reports only user, host, port and database.</para>
/// </remarks>
public sealed class PostgresMyelinStorage : IMyelinStorage
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;

    private PostgresMyelinStorage(NpgsqlDataSource dataSource, BlobFiles files, string location, TimeProvider time)
    {
        _dataSource = dataSource;
        _time = time;
        Location = location;
        BlobDirectory = files.RootDirectory;
        Log = new PostgresExperienceLog(dataSource, time);
        Checkpoints = new PostgresCheckpointStore(dataSource, time);
        Tenants = new PostgresTenantStore(dataSource, time);
        ApiKeys = new PostgresApiKeyStore(dataSource, time);
        Blobs = new PostgresBlobStore(dataSource, files, time);
    }

    /// <inheritdoc />
    public string Provider => "postgres";

    /// <summary>Where the data lives, without credentials: <c>postgres://user@host:port/database</c>.</summary>
    public string Location { get; }

    /// <summary>The directory that holds blob bytes (absolute path).</summary>
    public string BlobDirectory { get; }

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

    /// <summary>Creates the store over a database. Nothing is read or written until <see cref="MigrateAsync"/>.</summary>
    /// <param name="options">The connection string and blob directory.</param>
    /// <param name="timeProvider">The clock for recorded times; the system clock when null.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <exception cref="MyelinValidationException">The connection string or blob directory is missing or malformed.</exception>
    public static Task<PostgresMyelinStorage> OpenAsync(
        PostgresStorageOptions options, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new MyelinValidationException("invalid_connection_string", "A PostgreSQL connection string is required.");
        }

        if (string.IsNullOrWhiteSpace(options.BlobDirectory))
        {
            throw new MyelinValidationException(
                "invalid_blob_directory", "A blob directory is required: every server sharing the database must see the same one.");
        }

        NpgsqlDataSourceBuilder builder;
        try
        {
            builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        }
        catch (ArgumentException ex)
        {
            // The message names the bad keyword, never the password.
            throw new MyelinValidationException("invalid_connection_string", $"The PostgreSQL connection string is malformed: {ex.Message}");
        }

        NpgsqlConnectionStringBuilder settings = builder.ConnectionStringBuilder;
        string location = $"postgres://{settings.Username}@{settings.Host}:{settings.Port}/{settings.Database}";
        var files = new BlobFiles(options.BlobDirectory);
        files.SweepTemporaryFiles(TimeSpan.FromHours(1));
        NpgsqlDataSource dataSource = builder.Build();
        return Task.FromResult(new PostgresMyelinStorage(dataSource, files, location, timeProvider ?? TimeProvider.System));
    }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        await PostgresMigrations.ApplyAsync(connection, UnixMicros.From(_time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StorageStats> GetStatsAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        using NpgsqlCommand counts = _dataSource.CreateCommand("""
            SELECT (SELECT COALESCE(MAX(version), 0) FROM schema_migrations),
                   (SELECT COUNT(*) FROM log WHERE tenant = @tenant),
                   (SELECT COUNT(*) FROM api_keys WHERE tenant = @tenant AND revoked_at IS NULL),
                   (SELECT COUNT(*) FROM blobs WHERE tenant = @tenant),
                   (SELECT COALESCE(SUM(length), 0)::bigint FROM blobs WHERE tenant = @tenant)
            """);
        counts.Parameters.AddWithValue("tenant", tenantId);
        NpgsqlDataReader reader = await counts.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new StorageStats(
            Provider, Location, reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
