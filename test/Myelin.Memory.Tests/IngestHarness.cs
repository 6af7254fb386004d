using Myelin.Core;
using Myelin.Memory.Embeddings;
using Myelin.Memory.Extraction;
using Myelin.Memory.Ingest;
using Myelin.Memory.Storage;
using Myelin.Storage.Sqlite;
using Myelin.TestUtilities;

namespace Myelin.Memory;

/// <summary>A log (SQLite storage), a memory store and an ingestor in one temporary data directory.</summary>
internal sealed class IngestHarness : IAsyncDisposable
{
    private readonly TempDirectory _dir;

    private IngestHarness(TempDirectory dir, SqliteMyelinStorage storage, SqliteMemoryStore store, MemoryIngestor ingestor, HashedNgramEmbeddingGenerator embeddings)
    {
        _dir = dir;
        Storage = storage;
        Store = store;
        Ingestor = ingestor;
        Embeddings = embeddings;
    }

    public SqliteMyelinStorage Storage { get; }

    public SqliteMemoryStore Store { get; }

    public MemoryIngestor Ingestor { get; }

    public HashedNgramEmbeddingGenerator Embeddings { get; }

    public string Directory => _dir.Path;

    public static async Task<IngestHarness> StartAsync(IMemoryExtractor? extractor = null)
    {
        var dir = new TempDirectory("myelin-memory-ingest");
        SqliteMyelinStorage storage = await SqliteMyelinStorage.OpenAsync(new SqliteStorageOptions { DataDirectory = dir.Path });
        await storage.MigrateAsync();
        SqliteMemoryStore store = await SqliteMemoryStore.OpenInDirectoryAsync(dir.Path);
        var embeddings = new HashedNgramEmbeddingGenerator();
        var ingestor = new MemoryIngestor(store, storage.Log, embeddings, extractor ?? new PatternExtractor());
        return new IngestHarness(dir, storage, store, ingestor, embeddings);
    }

    public static ConversationTurn Turn(string user, string text, DateTimeOffset at, string session = "s1", string role = "user") =>
        new(user, role, text) { Speaker = role == "user" ? char.ToUpperInvariant(user[0]) + user[1..] : "Assistant", SessionId = session, Timestamp = at };

    public async Task<IReadOnlyList<RememberedTurn>> RememberAsync(TenantId tenant, params ConversationTurn[] turns)
    {
        IReadOnlyList<RememberedTurn> result = await Ingestor.RememberAsync(tenant, turns);
        await Ingestor.WhenIdleAsync();
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await Ingestor.DisposeAsync();
        await Store.DisposeAsync();
        await Storage.DisposeAsync();
        _dir.Dispose();
    }
}
