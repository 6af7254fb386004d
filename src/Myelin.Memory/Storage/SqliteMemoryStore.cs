using Myelin.Core;
using Myelin.Memory.Internal;

namespace Myelin.Memory.Storage;

/// <summary>The memory store on SQLite: its own database file (WAL, <c>synchronous=FULL</c>), an FTS5 index of
/// analysed terms for BM25, and vectors as little-endian float blobs.</summary>
/// <remarks>
/// Thread-safe. Writes are serialised on one connection and each call commits one transaction, so a crash leaves
/// either all or none of a call's changes. The full-text index follows the items in the background and catches up
/// before every search, so a search sees every write that returned before it. Dispose it to close the file.
/// </remarks>
public sealed partial class SqliteMemoryStore : IMemoryStore, IAsyncDisposable
{
    /// <summary>The file name used inside a data directory.</summary>
    public const string FileName = "memory.db";

    private readonly MemoryDatabase _db;
    private readonly FullTextIndexer _indexer;
    private readonly TimeProvider _time;

    private SqliteMemoryStore(MemoryDatabase db, FullTextIndexer indexer, TimeProvider time)
    {
        _db = db;
        _indexer = indexer;
        _time = time;
    }

    /// <summary>The database file.</summary>
    public string FilePath { get; private init; } = string.Empty;

    /// <summary>Opens (creating when missing) <c>{dataDirectory}/memory.db</c>.</summary>
    public static Task<SqliteMemoryStore> OpenInDirectoryAsync(
        string dataDirectory, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(OpenInDirectory(dataDirectory, timeProvider));
    }

    /// <summary>Opens (creating when missing) <c>{dataDirectory}/memory.db</c>; opening is synchronous file work.</summary>
    public static SqliteMemoryStore OpenInDirectory(string dataDirectory, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        return Open(Path.Combine(dataDirectory, FileName), timeProvider);
    }

    /// <summary>Opens (creating when missing) the database file at <paramref name="path"/>.</summary>
    public static Task<SqliteMemoryStore> OpenAsync(
        string path, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Open(path, timeProvider));
    }

    private static SqliteMemoryStore Open(string path, TimeProvider? timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var db = new MemoryDatabase(path);
        try
        {
            FullTextIndexer? indexer = null;
            db.RunWhileOpening(c =>
            {
                MemoryMigrations.Apply(c);
                indexer = new FullTextIndexer(db, c);
            });
            indexer!.StartIfBehind();
            return new SqliteMemoryStore(db, indexer, timeProvider ?? TimeProvider.System) { FilePath = path };
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _indexer.StopAsync().ConfigureAwait(false);
        await _db.DisposeAsync().ConfigureAwait(false);
    }

    private static void Validate(TenantId tenant, NewMemoryItem item) => MemoryItemRules.Validate(tenant, item);
}
