using Microsoft.Data.Sqlite;
using Myelin.TestUtilities;

namespace Myelin.Memory.Storage;

/// <summary>A memory file written by schema version 1 (scope column in the full-text index) opens and is re-indexed.</summary>
public sealed class SchemaMigrationTests
{
    private const string Version1 = """
        CREATE TABLE items (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, tenant TEXT NOT NULL, user_id TEXT NOT NULL,
            agent_id TEXT, session_id TEXT, kind INTEGER NOT NULL, text TEXT NOT NULL, subject TEXT, value TEXT, speaker TEXT,
            valid_from INTEGER NOT NULL, valid_to INTEGER, recorded_at INTEGER NOT NULL, invalidated_at INTEGER,
            source_offsets TEXT NOT NULL, log_offset INTEGER, importance REAL NOT NULL, access_count INTEGER NOT NULL DEFAULT 0,
            last_accessed_at INTEGER, supersedes TEXT, superseded_by TEXT, vector BLOB);
        CREATE VIRTUAL TABLE items_fts USING fts5 (scope, terms, content = '', contentless_delete = 1);
        INSERT INTO items (id, tenant, user_id, kind, text, subject, valid_from, recorded_at, source_offsets, importance)
        VALUES ('mem_old1', 'tenant-a', 'alice', 1, 'Alice plays the cello', 'hobby.instrument', 1, 1, '', 0.5),
               ('mem_old2', 'tenant-a', 'bob', 1, 'Bob plays the cello too', NULL, 1, 1, '', 0.5);
        INSERT INTO items_fts (rowid, scope, terms) VALUES (1, 'uold', 'alic plai cello'), (2, 'uold2', 'bob plai cello');
        PRAGMA user_version = 1;
        """;

    [Fact]
    public async Task A_version_1_file_is_reindexed_per_user_and_keeps_its_items()
    {
        using var dir = new TempDirectory("myelin-memory-v1");
        await using (var connection = new SqliteConnection($"Data Source={dir.Combine(SqliteMemoryStore.FileName)};Pooling=false"))
        {
            await connection.OpenAsync();
            await using SqliteCommand create = connection.CreateCommand();
            create.CommandText = Version1;
            await create.ExecuteNonQueryAsync();
        }

        await using SqliteMemoryStore store = await SqliteMemoryStore.OpenInDirectoryAsync(dir.Path);

        IReadOnlyList<TextSearchHit> alice = await store.SearchTextAsync(TestStore.TenantA, new MemoryFilter { UserId = "alice" }, ["cello"], 10);
        IReadOnlyList<TextSearchHit> bySubject = await store.SearchTextAsync(
            TestStore.TenantA, new MemoryFilter { UserId = "alice" }, ["instrument"], 10);
        Assert.Equal("mem_old1", Assert.Single(alice).Id);
        Assert.Equal("mem_old1", Assert.Single(bySubject).Id);
        Assert.Equal("mem_old2", Assert.Single(
            await store.SearchTextAsync(TestStore.TenantA, new MemoryFilter { UserId = "bob" }, ["cello"], 10)).Id);
        Assert.Empty(await store.SearchTextAsync(TestStore.TenantB, new MemoryFilter { UserId = "alice" }, ["cello"], 10));
    }
}
