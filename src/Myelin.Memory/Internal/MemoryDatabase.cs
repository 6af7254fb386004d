using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Myelin.Memory.Internal;

/// <summary>The memory database file: one writer connection behind a lock and a small pool of readers.</summary>
/// <remarks>SQLite has one writer at a time anyway; serialising in-process avoids busy retries. WAL lets readers run
/// beside the writer. <c>secure_delete</c> zeroes freed pages so forgotten content does not linger in the file.</remarks>
internal sealed class MemoryDatabase : IAsyncDisposable, IDisposable
{
    private const int MaxIdleReaders = 8;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentBag<SqliteConnection> _readers = [];
    private readonly SqliteConnection _writer;
    private int _idle;
    private volatile bool _disposed;

    public MemoryDatabase(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        _writer = Open(writer: true);
    }

    /// <summary>Runs <paramref name="work"/> on the writer; only while nothing else can use the database (opening).</summary>
    public void RunWhileOpening(Action<SqliteConnection> work) => work(_writer);

    public async Task<T> WriteAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return work(_writer);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<T> ReadAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        SqliteConnection connection;
        if (_readers.TryTake(out SqliteConnection? idle))
        {
            Interlocked.Decrement(ref _idle);
            connection = idle;
        }
        else
        {
            connection = Open(writer: false);
        }

        try
        {
            return Task.FromResult(work(connection));
        }
        finally
        {
            if (!_disposed && Interlocked.Increment(ref _idle) <= MaxIdleReaders)
            {
                _readers.Add(connection);
            }
            else
            {
                Interlocked.Decrement(ref _idle);
                connection.Dispose();
            }
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
            while (_readers.TryTake(out SqliteConnection? reader))
            {
                reader.Dispose();
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Closes the connections without waiting for the write lock: only for a database nobody else uses yet.</summary>
    public void Dispose()
    {
        _disposed = true;
        _writer.Dispose();
        while (_readers.TryTake(out SqliteConnection? reader))
        {
            reader.Dispose();
        }
    }

    private SqliteConnection Open(bool writer)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using SqliteCommand pragma = connection.CreateCommand();
            pragma.CommandText = writer
                ? "PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;"
                : "PRAGMA busy_timeout = 30000; PRAGMA query_only = ON;";
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
