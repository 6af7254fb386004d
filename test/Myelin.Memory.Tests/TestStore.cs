using Myelin.Core;
using Myelin.Memory.Storage;
using Myelin.TestUtilities;

namespace Myelin.Memory;

/// <summary>A SQLite memory store in a temporary directory, removed on dispose.</summary>
internal sealed class TestStore : IAsyncDisposable
{
    public static readonly TenantId TenantA = new("tenant-a");
    public static readonly TenantId TenantB = new("tenant-b");
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir;

    private TestStore(TempDirectory dir, SqliteMemoryStore store)
    {
        _dir = dir;
        Store = store;
    }

    public SqliteMemoryStore Store { get; }

    public string Directory => _dir.Path;

    public static async Task<TestStore> OpenAsync()
    {
        var dir = new TempDirectory("myelin-memory");
        SqliteMemoryStore store = await SqliteMemoryStore.OpenInDirectoryAsync(dir.Path);
        return new TestStore(dir, store);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _dir.Dispose();
    }
}
