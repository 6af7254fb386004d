using Microsoft.Extensions.AI;
using Myelin.Core;
using Myelin.Memory.Extraction;
using Myelin.Memory.Text;

namespace Myelin.Memory.Consolidation;

/// <summary>Decides add / update / invalidate / no-op for extracted memories against what a user already has.</summary>
/// <remarks>
/// <para>Slot memories (with a subject) are compared with the open item of the same subject: the same value is a
/// restatement (no-op), a value that contains the old one refines it (update), anything else contradicts it
/// (invalidate). Free-form memories are compared by embedding with the user's open items of the same kind; a near
/// duplicate is a restatement.</para>
/// <para>Update and invalidate close the old item with valid_to and keep it; nothing here deletes anything.
/// Not safe to run twice at once for the same user (two contradictions could race); the ingest worker runs one job at
/// a time.</para>
/// </remarks>
public sealed class MemoryConsolidator
{
    /// <summary>Cosine similarity at or above which a free-form memory restates an existing one.</summary>
    public const float DuplicateSimilarity = 0.9f;

    private readonly IMemoryStore _store;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddings;

    /// <summary>Creates a consolidator writing to <paramref name="store"/>.</summary>
    public MemoryConsolidator(IMemoryStore store, IEmbeddingGenerator<string, Embedding<float>> embeddings)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(embeddings);
        _store = store;
        _embeddings = embeddings;
    }

    /// <summary>Applies <paramref name="memories"/> (from turns at <paramref name="turnTime"/>) to the user in
    /// <paramref name="scope"/>, in order; returns one decision per memory.</summary>
    public async Task<IReadOnlyList<ConsolidationDecision>> ApplyAsync(
        MemoryScope scope,
        IReadOnlyList<ExtractedMemory> memories,
        DateTimeOffset turnTime,
        string extractor,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(memories);
        var decisions = new List<ConsolidationDecision>(memories.Count);
        foreach (ExtractedMemory memory in memories)
        {
            decisions.Add(await ApplyOneAsync(scope, memory, turnTime, extractor, cancellationToken).ConfigureAwait(false));
        }

        return decisions;
    }

    private async Task<ConsolidationDecision> ApplyOneAsync(
        MemoryScope scope, ExtractedMemory memory, DateTimeOffset turnTime, string extractor, CancellationToken cancellationToken)
    {
        TenantId tenant = scope.Tenant;
        float[] vector = await EmbedAsync(memory.Text, cancellationToken).ConfigureAwait(false);
        var item = new NewMemoryItem(scope, memory.Kind, memory.Text, memory.ValidFrom ?? turnTime)
        {
            Subject = memory.Subject,
            Value = memory.Value,
            SourceOffsets = [memory.SourceOffset],
            Importance = Math.Clamp(memory.Importance, 0f, 1f),
            Vector = vector,
        };

        MemoryItem? existing = memory.Subject is { } subject
            ? (await _store.FindOpenBySubjectAsync(tenant, scope.UserId, subject, cancellationToken).ConfigureAwait(false)).LastOrDefault()
            : await FindDuplicateAsync(scope, memory, vector, cancellationToken).ConfigureAwait(false);

        if (existing is null)
        {
            IReadOnlyList<MemoryItem> added = await _store.AddAsync(tenant, [item], extractor, cancellationToken).ConfigureAwait(false);
            return new ConsolidationDecision(ConsolidationAction.Add, added[0].Id, null);
        }

        string[] oldTerms = Terms(existing.Value ?? existing.Text);
        string[] newTerms = Terms(memory.Value ?? memory.Text);
        if (memory.Subject is null || oldTerms.AsSpan().SequenceEqual(newTerms))
        {
            await _store.ReinforceAsync(tenant, existing.Id, [memory.SourceOffset], 0.05f, extractor, cancellationToken).ConfigureAwait(false);
            return new ConsolidationDecision(ConsolidationAction.NoOp, existing.Id, null);
        }

        bool refines = newTerms.Length > oldTerms.Length && oldTerms.All(newTerms.Contains);
        ConsolidationAction action = refines ? ConsolidationAction.Update : ConsolidationAction.Invalidate;
        MemoryItem replacement = await _store.SupersedeAsync(
            tenant,
            existing.Id,
            item,
            refines ? MemoryHistoryAction.Updated : MemoryHistoryAction.Invalidated,
            extractor,
            cancellationToken).ConfigureAwait(false);
        return new ConsolidationDecision(action, replacement.Id, existing.Id);
    }

    private async Task<MemoryItem?> FindDuplicateAsync(
        MemoryScope scope, ExtractedMemory memory, float[] vector, CancellationToken cancellationToken)
    {
        var filter = new MemoryFilter { UserId = scope.UserId, Kinds = [memory.Kind] };
        IReadOnlyList<TextSearchHit> hits = await _store.SearchTextAsync(
            scope.Tenant, filter, TextAnalyzer.Default.Analyze(memory.Text), 5, cancellationToken).ConfigureAwait(false);
        if (hits.Count == 0)
        {
            return null;
        }

        IReadOnlyList<MemoryItem> candidates = await _store.GetManyAsync(
            scope.Tenant, [.. hits.Select(h => h.Id)], cancellationToken).ConfigureAwait(false);
        foreach (MemoryItem candidate in candidates)
        {
            if (candidate.ValidTo is null && candidate.Subject is null)
            {
                float[] other = await EmbedAsync(candidate.Text, cancellationToken).ConfigureAwait(false);
                if (System.Numerics.Tensors.TensorPrimitives.Dot(vector, other) >= DuplicateSimilarity)
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private async Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        Embedding<float> e = await _embeddings.GenerateAsync(text, cancellationToken: cancellationToken).ConfigureAwait(false);
        return Internal.Vectors.Normalized(e.Vector.Span);
    }

    private static string[] Terms(string text) => [.. TextAnalyzer.Default.Analyze(text)];
}
