using Myelin.Core;
using Myelin.Memory.Internal;
using Myelin.Memory.Postgres.Internal;
using Npgsql;

namespace Myelin.Memory.Postgres;

/// <summary>The memory store on PostgreSQL: the same behaviour as the SQLite store (items, history, supersession,
/// as-of queries, quarantine, forgetting a user) with full-text search over a <c>tsvector</c> column and vectors as
/// <c>real[]</c>, for servers that share one database.</summary>
/// <remarks>
/// <para>Thread-safe; connections come from one <see cref="NpgsqlDataSource"/>. Each call commits one transaction, so
/// a write is all or nothing and durable when its task completes (PostgreSQL's commit). Call
/// <see cref="MigrateAsync"/> once before use (safe from several servers at once).</para>
/// <para>Search ranks with <c>ts_rank</c> (term frequency with length normalisation), not BM25 as on SQLite; both
/// match the same analysed terms. Forgetting a user deletes the rows; PostgreSQL reclaims their space when it
/// vacuums the tables (autovacuum), so old row versions can remain in the data files until then.</para>
/// <para>The connection string is a secret: nothing here logs or reports it.</para>
/// </remarks>
public sealed partial class PostgresMemoryStore : IMemoryStore, IAsyncDisposable
{
    private const int MaxQuarantinedChars = 16 * 1024;
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly TimeProvider _time;

    /// <summary>Creates a store over <paramref name="dataSource"/>, which the caller keeps owning.</summary>
    public PostgresMemoryStore(NpgsqlDataSource dataSource, TimeProvider? timeProvider = null)
        : this(dataSource, ownsDataSource: false, timeProvider)
    {
    }

    private PostgresMemoryStore(NpgsqlDataSource dataSource, bool ownsDataSource, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Opens a store over the database named by <paramref name="connectionString"/> and migrates it.</summary>
    /// <exception cref="MyelinValidationException">The connection string is missing or malformed.</exception>
    public static async Task<PostgresMemoryStore> OpenAsync(
        string connectionString, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new MyelinValidationException("invalid_connection_string", "A PostgreSQL connection string is required.");
        }

        NpgsqlDataSource dataSource;
        try
        {
            dataSource = NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException ex)
        {
            // The message names the bad keyword, never the password.
            throw new MyelinValidationException("invalid_connection_string", $"The PostgreSQL connection string is malformed: {ex.Message}");
        }

        var store = new PostgresMemoryStore(dataSource, ownsDataSource: true, timeProvider);
        try
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates or upgrades the memory tables (under an advisory lock, so concurrent starts are safe).</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await PostgresMemorySchema.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<T> InTransactionAsync<T>(
        Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                T result = await work(connection, tx).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
        }
    }

    private NpgsqlCommand Command(string sql, TenantId tenant)
    {
        NpgsqlCommand command = _dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("tenant", tenant.Value);
        return command;
    }

    private static void Validate(TenantId tenant, NewMemoryItem item) => MemoryItemRules.Validate(tenant, item);
}
