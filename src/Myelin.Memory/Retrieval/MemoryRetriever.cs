using Microsoft.Extensions.AI;
using Myelin.Core;
using Myelin.Memory.Internal;
using Myelin.Memory.Text;

namespace Myelin.Memory.Retrieval;

/// <summary>Hybrid recall: BM25 and vector candidates, ranked by reciprocal rank fusion of relevance, recency and
/// importance; current items before superseded ones unless the query is about the past; neighbouring turns attached.</summary>
/// <remarks>
/// <para>Thread-safe. Keeps each user's vectors in memory (loaded on first use, extended incrementally). Sparse
/// vectors (the built-in embedding's) are searched exactly through per-dimension posting lists; dense ones exactly
/// with SIMD dot products, or with an HNSW graph above <see cref="MemoryRetrieverOptions.HnswThreshold"/> (built in
/// the background; until it is ready, search stays exact).</para>
/// <para>Every store call is scoped by the tenant argument and the request's user.</para>
/// </remarks>
public sealed partial class MemoryRetriever
{
    private readonly IMemoryStore _store;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddings;
    private readonly MemoryRetrieverOptions _options;
    private readonly TimeProvider _time;
    private readonly VectorIndexCache _vectors;
    private readonly AccessRecorder _accesses;

    /// <summary>Creates a retriever over <paramref name="store"/>, embedding queries with <paramref name="embeddings"/>
    /// (the generator the items were embedded with).</summary>
    public MemoryRetriever(
        IMemoryStore store, IEmbeddingGenerator<string, Embedding<float>> embeddings, MemoryRetrieverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(embeddings);
        _store = store;
        _embeddings = embeddings;
        _options = options ?? new MemoryRetrieverOptions();
        _time = _options.TimeProvider ?? TimeProvider.System;
        _vectors = new VectorIndexCache(store, Math.Max(1, _options.HnswThreshold), _options.SparseVectorSearch);
        _accesses = new AccessRecorder(store);
    }

    /// <summary>Recalls memories of one user for a query.</summary>
    /// <exception cref="MyelinValidationException">The request is invalid.</exception>
    public async Task<RecallResult> RecallAsync(TenantId tenant, RecallRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        bool past = request.AboutThePast ?? TemporalIntent.IsAboutThePast(request.Query);
        var filter = new MemoryFilter
        {
            UserId = request.UserId,
            AgentId = request.AgentId,
            SessionId = request.SessionId,
            Kinds = request.Kinds,
            ValidAt = request.ValidAt,
            From = request.From,
            To = request.To,
        };
        int candidates = Math.Max(_options.Candidates, request.Limit);

        IReadOnlyList<TextSearchHit> text = await _store.SearchTextAsync(
            tenant, filter, TextAnalyzer.Default.Analyze(request.Query), candidates, cancellationToken).ConfigureAwait(false);
        Embedding<float> q = await _embeddings.GenerateAsync(request.Query, cancellationToken: cancellationToken).ConfigureAwait(false);
        UserVectorIndex index = await _vectors.GetAsync(tenant, request.UserId, cancellationToken).ConfigureAwait(false);

        // The vector index knows nothing of filters, so it over-fetches when there are any; they apply after loading.
        bool filtered = request.AgentId is not null || request.SessionId is not null || request.Kinds is { Count: > 0 } ||
            request.ValidAt is not null || request.From is not null || request.To is not null;
        (List<(string Id, float Similarity)> vector, bool useHnsw) = index.Search(
            Vectors.Normalized(q.Vector.Span), filtered ? candidates * 4 : candidates, exact: false);

        List<RecallHit> hits = await FuseAsync(tenant, request, filter, past, text, vector, candidates, cancellationToken).ConfigureAwait(false);
        if (_options.RecordAccess && hits.Count > 0)
        {
            _accesses.Record(tenant, [.. hits.Select(h => h.Item.Id)], _time.GetUtcNow());
        }

        return new RecallResult(hits, past, useHnsw);
    }

    /// <summary>Loads a user's vectors and, when the HNSW graph is being built for them, waits for it (for benchmarks
    /// and tests; recall never waits: it searches exactly until the graph is ready).</summary>
    public async Task WarmUpAsync(TenantId tenant, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        UserVectorIndex index = await _vectors.GetAsync(tenant, userId, cancellationToken).ConfigureAwait(false);
        await index.WhenGraphBuiltAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes when the access counts of every recall that returned before the call are stored. Recall
    /// queues them and a background write stores what has accumulated, so concurrent recalls share one write.</summary>
    public Task FlushAccessesAsync(CancellationToken cancellationToken = default) => _accesses.FlushAsync(cancellationToken);

    /// <summary>Drops the cached vectors of a user (after the user was forgotten).</summary>
    public void Forget(TenantId tenant, string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        _vectors.Forget(tenant, userId);
    }

    private static void Validate(RecallRequest request)
    {
        if (!MemoryScope.IsValidId(request.UserId))
        {
            throw new MyelinValidationException("invalid_memory_scope", "The user_id is required: 1-128 characters without control characters.");
        }

        if (string.IsNullOrWhiteSpace(request.Query) || request.Query.Length > 8192)
        {
            throw new MyelinValidationException("invalid_query", "The query must be 1 to 8192 characters and not blank.");
        }

        if (request.Limit is < 1 or > 100 || request.NeighbourTurns is < 0 or > 5)
        {
            throw new MyelinValidationException("invalid_recall_limit", "The limit must be 1 to 100 and neighbour_turns 0 to 5.");
        }
    }
}
