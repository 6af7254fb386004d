using Myelin.Core.Log;
using Myelin.Memory.Embeddings;
using Myelin.Memory.Extraction;
using Myelin.Memory.Ingest;
using Myelin.Memory.Retrieval;
using Myelin.Memory.Storage;

namespace Myelin.Server.Endpoints;

/// <summary>The memory room as the server runs it: its store (<c>{data}/memory.db</c>), the built-in embedding, an
/// ingestor with the model-free extractor, and a retriever. Disposed with the app.</summary>
internal sealed class MemoryRoom : IAsyncDisposable
{
    private MemoryRoom(SqliteMemoryStore store, MemoryIngestor ingestor, MemoryRetriever retriever)
    {
        Store = store;
        Ingestor = ingestor;
        Retriever = retriever;
    }

    public SqliteMemoryStore Store { get; }

    public MemoryIngestor Ingestor { get; }

    public MemoryRetriever Retriever { get; }

    public static MemoryRoom Open(string dataDirectory, IExperienceLog log, TimeProvider time, ILoggerFactory? loggerFactory)
    {
        SqliteMemoryStore store = SqliteMemoryStore.OpenInDirectory(dataDirectory, time);
        var embeddings = new HashedNgramEmbeddingGenerator();
        var ingestor = new MemoryIngestor(
            store, log, embeddings, new PatternExtractor(), new MemoryIngestorOptions { TimeProvider = time }, loggerFactory);
        var retriever = new MemoryRetriever(store, embeddings, new MemoryRetrieverOptions { TimeProvider = time });
        return new MemoryRoom(store, ingestor, retriever);
    }

    public async ValueTask DisposeAsync()
    {
        await Ingestor.DisposeAsync().ConfigureAwait(false);
        await Store.DisposeAsync().ConfigureAwait(false);
    }
}
