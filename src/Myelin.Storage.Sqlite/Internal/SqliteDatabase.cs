using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Myelin.Storage.Sqlite.Internal;

/// <summary>The database file: one writer connection behind a lock, and a pool of read connections.</summary>
/// <remarks>
/// SQLite allows one writer at a time anyway; serialising writes in-process avoids busy retries and lets the writer keep
/// its prepared statements. WAL mode lets any number of readers run beside the writer, each on its own connection.
/// </remarks>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private readonly int _maxIdleReaders;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentBag<SqliteSession> _idleReaders = [];
    private readonly SqliteSession _writer;
    private int _idleCount;
    private volatile bool _disposed;

    private SqliteDatabase(string path, SqliteStorageOptions options)
    {
        FilePath = path;
        _busyTimeoutMs = (int)Math.Clamp(options.BusyTimeout.TotalMilliseconds, 0, int.MaxValue);
        _maxIdleReaders = Math.Max(0, options.MaxIdleReaders);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)options.BusyTimeout.TotalSeconds),
        }.ToString();
        _writer = OpenSession(writer: true);
    }

    public string FilePath { get; }

    public static SqliteDatabase Open(string path, SqliteStorageOptions options) => new(path, options);

    /// <summary>Runs <paramref name="work"/> on the writer connection while holding the write lock.</summary>
    /// <remarks>An open transaction left by <paramref name="work"/> (because it threw) is rolled back.</remarks>
    public async Task<T> WriteAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                return work(_writer);
            }
            finally
            {
                _writer.EndTransaction();
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> on a pooled read connection.</summary>
    public Task<T> ReadAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        SqliteSession session = RentReader();
        try
        {
            return Task.FromResult(work(session));
        }
        finally
        {
            ReturnReader(session);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _writer.Dispose();
            while (_idleReaders.TryTake(out SqliteSession? reader))
            {
                reader.Dispose();
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private SqliteSession RentReader()
    {
        if (_idleReaders.TryTake(out SqliteSession? session))
        {
            Interlocked.Decrement(ref _idleCount);
            return session;
        }

        return OpenSession(writer: false);
    }

    private void ReturnReader(SqliteSession session)
    {
        session.EndTransaction();
        if (!_disposed && Interlocked.Increment(ref _idleCount) <= _maxIdleReaders)
        {
            _idleReaders.Add(session);
            return;
        }

        Interlocked.Decrement(ref _idleCount);
        session.Dispose();
    }

    private SqliteSession OpenSession(bool writer)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using SqliteCommand pragma = connection.CreateCommand();

            // WAL lets readers run beside the writer; synchronous=FULL fsyncs the WAL on every commit, so an
            // acknowledged append survives a process kill or power loss. secure_delete zeroes the space of deleted and
            // rewritten rows, so a redacted payload does not linger in the file (appends never free space, so cost nothing).
            pragma.CommandText = writer
                ? $"PRAGMA busy_timeout = {_busyTimeoutMs}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;"
                : $"PRAGMA busy_timeout = {_busyTimeoutMs}; PRAGMA synchronous = FULL; PRAGMA query_only = ON;";
            pragma.ExecuteNonQuery();
            return new SqliteSession(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
