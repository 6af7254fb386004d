using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Memory;
using Myelin.Memory.Embeddings;
using Myelin.Memory.Extraction;
using Myelin.Memory.Ingest;
using Myelin.Memory.Retrieval;

namespace Myelin.Server.Endpoints;

/// <summary>The memory room as the server runs it: its store (<c>{data}/memory.db</c>, or the PostgreSQL database with
/// <c>--postgres</c>), the built-in embedding, an ingestor with the model-free extractor, and a retriever. Disposed
/// with the app, before the store (which the container owns).</summary>
internal sealed class MemoryRoom : IAsyncDisposable
{
    private readonly IExperienceLog _log;

    private MemoryRoom(IMemoryStore store, IExperienceLog log, MemoryIngestor ingestor, MemoryRetriever retriever)
    {
        _log = log;
        Store = store;
        Ingestor = ingestor;
        Retriever = retriever;
    }

    public IMemoryStore Store { get; }

    public MemoryIngestor Ingestor { get; }

    public MemoryRetriever Retriever { get; }

    public static MemoryRoom Open(IMemoryStore store, IExperienceLog log, TimeProvider time, ILoggerFactory? loggerFactory)
    {
        var embeddings = new HashedNgramEmbeddingGenerator();
        var ingestor = new MemoryIngestor(
            store, log, embeddings, new PatternExtractor(), new MemoryIngestorOptions { TimeProvider = time }, loggerFactory);
        var retriever = new MemoryRetriever(store, embeddings, new MemoryRetrieverOptions { TimeProvider = time });
        return new MemoryRoom(store, log, ingestor, retriever);
    }

    /// <summary>
    /// Forgets a user everywhere the server keeps them: memory items with their index entries and vectors, history,
    /// quarantined outputs, the retriever's cached vectors, and the content of their turns in the experience log
    /// (each record stays, with its offset, as a redaction marker). Only an audit record with a hash of the id remains.
    /// </summary>
    /// <returns>What the store removed, and how many log records were redacted.</returns>
    public async Task<(ForgetResult Removed, long LogRecordsRedacted)> ForgetUserAsync(
        TenantId tenant, string userId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        long head = await _log.GetHeadOffsetAsync(tenant, cancellationToken).ConfigureAwait(false);
        ForgetResult removed = await Store.ForgetUserAsync(tenant, userId, at, head, cancellationToken).ConfigureAwait(false);
        Retriever.Forget(tenant, userId);
        long redacted = 0;
        foreach (long[] chunk in removed.LogOffsets.Chunk(LogRedaction.MaxOffsets))
        {
            redacted += await _log.RedactAsync(tenant, chunk, "memory.forget_user", cancellationToken).ConfigureAwait(false);
        }

        return (removed, redacted);
    }

    public async ValueTask DisposeAsync()
    {
        await Ingestor.DisposeAsync().ConfigureAwait(false);
        await Retriever.FlushAccessesAsync().ConfigureAwait(false);
    }
}
