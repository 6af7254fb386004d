using Myelin.Conformance;
using Myelin.TestUtilities;

namespace Myelin.Memory.Storage;

/// <summary>The memory store conformance suite on SQLite, one database file per test.</summary>
public sealed class SqliteMemoryStoreTests : MemoryStoreConformance, IDisposable
{
    private readonly List<TempDirectory> _directories = [];

    protected override async Task<IMemoryStore> CreateStoreAsync()
    {
        var dir = new TempDirectory("myelin-memory");
        _directories.Add(dir);
        return await SqliteMemoryStore.OpenInDirectoryAsync(dir.Path);
    }

    public void Dispose()
    {
        foreach (TempDirectory dir in _directories)
        {
            dir.Dispose();
        }
    }
}
