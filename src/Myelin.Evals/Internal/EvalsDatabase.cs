using Microsoft.Data.Sqlite;
using Myelin.Core;

namespace Myelin.Evals.Internal;

/// <summary>
/// One writer connection to <c>{data}/evals.db</c> (WAL, <c>synchronous=FULL</c>) with a write lock, plus read-only
/// connections on demand. Each store of the room (datasets, judge cache, experiments) owns one and its own tables.
/// </summary>
internal sealed class EvalsDatabase : IAsyncDisposable
{
    public const string FileName = "evals.db";

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _disposed;

    private EvalsDatabase(string path, string schema)
    {
        FilePath = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
        _writer = Connect("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
        try
        {
            using SqliteCommand command = _writer.CreateCommand();
            command.CommandText = schema;
            command.ExecuteNonQuery();
        }
        catch
        {
            _writer.Dispose();
            throw;
        }
    }

    public string FilePath { get; }

    /// <summary>Opens the room's database in <paramref name="dataDirectory"/> and applies <paramref name="schema"/> (idempotent DDL).</summary>
    public static EvalsDatabase Open(string dataDirectory, string schema)
    {
        if (string.IsNullOrWhiteSpace(dataDirectory))
        {
            throw new MyelinValidationException("invalid_data_directory", "The evals store needs a data directory.");
        }

        string full = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(full);
        return new EvalsDatabase(Path.Combine(full, FileName), schema);
    }

    public static string RequireTenant(TenantId tenant) =>
        tenant.Value ?? throw new MyelinValidationException("invalid_tenant", "A tenant is required.");

    public static long Micros(DateTimeOffset value) => (value.UtcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset FromMicros(long micros) =>
        new(DateTime.UnixEpoch.Ticks + (micros * TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    /// <summary>Runs <paramref name="work"/> on the writer connection inside a transaction, serialised with other writes.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using SqliteTransaction transaction = _writer.BeginTransaction();
            T result = work(_writer, transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Opens a read-only connection; the caller disposes it.</summary>
    public SqliteConnection OpenReader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Connect("PRAGMA busy_timeout = 10000; PRAGMA query_only = ON;");
    }

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_disposed)
            {
                _disposed = true;
                await _writer.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private SqliteConnection Connect(string pragmas)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = pragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
