using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Memory.Extraction;
using Myelin.Memory.Internal;

namespace Myelin.Memory.Ingest;

/// <content>The synchronous part of ingest: validate, log, store episodes, queue extraction.</content>
public sealed partial class MemoryIngestor
{
    /// <summary>Remembers turns of one tenant: each is appended to the experience log (kind <c>turn</c>) and stored
    /// verbatim as an episode before this returns; extraction follows in the background.</summary>
    /// <exception cref="MyelinValidationException">A turn is invalid; nothing was stored.</exception>
    public async Task<IReadOnlyList<RememberedTurn>> RememberAsync(
        TenantId tenant, IReadOnlyList<ConversationTurn> turns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turns);
        if (turns.Count == 0 || turns.Count > _options.MaxTurnsPerCall)
        {
            throw new MyelinValidationException(
                "invalid_turn_batch", $"Send 1 to {_options.MaxTurnsPerCall} turns per call; got {turns.Count}.");
        }

        DateTimeOffset now = _time.GetUtcNow();
        var scopes = new MemoryScope[turns.Count];
        var records = new NewExperienceRecord[turns.Count];
        for (int i = 0; i < turns.Count; i++)
        {
            ConversationTurn t = turns[i] ?? throw new MyelinValidationException("invalid_turn", $"turns[{i}] is null.");
            scopes[i] = Validate(tenant, t, i);
            records[i] = new NewExperienceRecord(
                ExperienceKinds.Turn, Payload(t), t.Timestamp ?? now, SessionId: t.SessionId, IdempotencyKey: t.IdempotencyKey);
        }

        // Embedding (CPU, or a remote call) overlaps the log append (an fsync); a duplicate's vector goes unused.
        Task<GeneratedEmbeddings<Embedding<float>>> embedding = Task.Run(
            () => _embeddings.GenerateAsync(turns.Select(EmbeddingText), cancellationToken: cancellationToken), cancellationToken);
        Task<IReadOnlyList<AppendResult>> append = _log.AppendAsync(tenant, records, cancellationToken);
        await Task.WhenAll(append, embedding).ConfigureAwait(false);
        IReadOnlyList<AppendResult> appended = await append.ConfigureAwait(false);
        GeneratedEmbeddings<Embedding<float>> vectors = await embedding.ConfigureAwait(false);

        // A duplicate whose episode is missing (the first attempt stopped between log and store) is stored now.
        var stored = new HashSet<long>();
        List<long> duplicates = [.. appended.Where(a => a.Duplicate).Select(a => a.Offset)];
        if (duplicates.Count > 0)
        {
            foreach (MemoryItem e in await _store.FindEpisodesByOffsetAsync(tenant, duplicates, cancellationToken).ConfigureAwait(false))
            {
                stored.Add(e.SourceOffsets[0]);
            }
        }

        var toStore = new List<int>();
        for (int i = 0; i < turns.Count; i++)
        {
            if (stored.Add(appended[i].Offset))
            {
                toStore.Add(i);
            }
        }

        var results = new RememberedTurn[turns.Count];
        for (int i = 0; i < turns.Count; i++)
        {
            results[i] = new RememberedTurn(appended[i].Offset, null, appended[i].Duplicate);
        }

        if (toStore.Count == 0)
        {
            return results;
        }

        IReadOnlyList<MemoryItem> items = await StoreAndQueueAsync(tenant, turns, scopes, toStore, appended, vectors, now, cancellationToken)
            .ConfigureAwait(false);
        for (int j = 0; j < toStore.Count; j++)
        {
            results[toStore[j]] = results[toStore[j]] with { EpisodeId = items[j].Id };
        }

        return results;
    }

    // Stores the turns at `toStore` as episodes (with their embeddings, one per turn) and queues their extraction.
    private async Task<IReadOnlyList<MemoryItem>> StoreAndQueueAsync(
        TenantId tenant, IReadOnlyList<ConversationTurn> turns, MemoryScope[] scopes, List<int> toStore,
        IReadOnlyList<AppendResult> appended, GeneratedEmbeddings<Embedding<float>> vectors, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var episodes = new NewMemoryItem[toStore.Count];
        for (int j = 0; j < toStore.Count; j++)
        {
            int i = toStore[j];
            ConversationTurn t = turns[i];
            episodes[j] = new NewMemoryItem(scopes[i], MemoryKind.Episode, t.Text, t.Timestamp ?? now)
            {
                Speaker = t.Speaker ?? t.Role,
                SourceOffsets = [appended[i].Offset],
                Importance = t.Role == "user" ? 0.5f : 0.3f,
                Vector = Vectors.Normalized(vectors[i].Vector.Span),
            };
        }

        IReadOnlyList<MemoryItem> items = await _store.AddAsync(tenant, episodes, "turn", cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _turnsStored, items.Count);
        _turnCounter.Add(items.Count);
        await QueueAsync(tenant, turns, scopes, toStore, appended, now, cancellationToken).ConfigureAwait(false);
        return items;
    }

    private async Task QueueAsync(
        TenantId tenant, IReadOnlyList<ConversationTurn> turns, MemoryScope[] scopes, List<int> indexes,
        IReadOnlyList<AppendResult> appended, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var jobs = new Dictionary<(string User, string? Agent), ExtractionJob>();
        foreach (int i in indexes)
        {
            ConversationTurn t = turns[i];
            if (!jobs.TryGetValue((t.UserId, t.AgentId), out ExtractionJob? job))
            {
                job = new ExtractionJob(tenant, new MemoryScope(tenant, t.UserId, t.AgentId), []);
                jobs.Add((t.UserId, t.AgentId), job);
            }

            job.Turns.Add(new ExtractionTurn(appended[i].Offset, t.Role, t.Speaker, t.Text, t.Timestamp ?? now));
        }

        foreach (ExtractionJob job in jobs.Values)
        {
            Interlocked.Increment(ref _pending);
            try
            {
                await _queue.Writer.WriteAsync(job, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Interlocked.Decrement(ref _pending);
                throw;
            }
        }
    }

    private static MemoryScope Validate(TenantId tenant, ConversationTurn t, int index)
    {
        if (t.Role is null || !s_roles.Contains(t.Role))
        {
            throw new MyelinValidationException(
                "invalid_turn_role", $"turns[{index}].role '{t.Role}' is invalid: use user, assistant, system or tool.");
        }

        if (string.IsNullOrWhiteSpace(t.Text) || t.Text.Length > NewMemoryItem.MaxTextLength)
        {
            throw new MyelinValidationException(
                "invalid_turn_text", $"turns[{index}].text must be 1 to {NewMemoryItem.MaxTextLength} characters and not blank.");
        }

        if (t.Speaker is { Length: > 256 })
        {
            throw new MyelinValidationException("invalid_turn_speaker", $"turns[{index}].speaker may have at most 256 characters.");
        }

        return new MemoryScope(tenant, t.UserId, t.AgentId, t.SessionId);
    }

    private static string EmbeddingText(ConversationTurn t) => t.Speaker is null ? t.Text : t.Speaker + ": " + t.Text;

    private static string Payload(ConversationTurn t)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("user_id", t.UserId);
            w.WriteString("role", t.Role);
            w.WriteString("text", t.Text);
            if (t.Speaker is not null)
            {
                w.WriteString("speaker", t.Speaker);
            }

            if (t.AgentId is not null)
            {
                w.WriteString("agent_id", t.AgentId);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
