using System.Text.Json;
using Microsoft.Extensions.AI;
using Myelin.Core;
using Myelin.Core.Log;

namespace Myelin.Memory.Ingest;

/// <content>Catching up from the experience log: turns in the log without an episode (the process stopped between
/// the log append and the episode write, or the memory file was lost) are stored and extracted.</content>
public sealed partial class MemoryIngestor
{
    /// <summary>The checkpoint consumer name of <see cref="CatchUpAsync"/>.</summary>
    public const string CheckpointConsumer = "memory.turns";

    /// <summary>Reads the tenant's <c>turn</c> records after the <see cref="CheckpointConsumer"/> checkpoint, stores the
    /// ones that have no episode and queues their extraction, then moves the checkpoint; returns how many were stored.</summary>
    /// <remarks>Turns of a user forgotten after they were logged stay forgotten. Set the checkpoint back (with
    /// <c>force</c>) to rebuild the memory of a tenant from its log.</remarks>
    public async Task<int> CatchUpAsync(TenantId tenant, ICheckpointStore checkpoints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        long after = await checkpoints.GetAsync(tenant, CheckpointConsumer, cancellationToken).ConfigureAwait(false);
        var forgotten = new Dictionary<string, long>(StringComparer.Ordinal);
        int restored = 0;
        while (true)
        {
            IReadOnlyList<ExperienceRecord> page = await _log.QueryAsync(
                tenant, new LogQuery { AfterOffset = after, Kinds = [ExperienceKinds.Turn], Limit = 1000 }, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return restored;
            }

            var present = new HashSet<long>();
            foreach (MemoryItem e in await _store.FindEpisodesByOffsetAsync(tenant, [.. page.Select(r => r.Offset)], cancellationToken).ConfigureAwait(false))
            {
                present.Add(e.SourceOffsets[0]);
            }

            var turns = new List<ConversationTurn>();
            var offsets = new List<AppendResult>();
            foreach (ExperienceRecord record in page)
            {
                if (present.Contains(record.Offset) || ToTurn(record) is not { } turn)
                {
                    continue;
                }

                if (!forgotten.TryGetValue(turn.UserId, out long through))
                {
                    through = await _store.GetForgottenThroughAsync(tenant, turn.UserId, cancellationToken).ConfigureAwait(false);
                    forgotten[turn.UserId] = through;
                }

                if (record.Offset > through)
                {
                    turns.Add(turn);
                    offsets.Add(new AppendResult(record.Offset, false));
                }
            }

            if (turns.Count > 0)
            {
                MemoryScope[] scopes = [.. turns.Select(t => new MemoryScope(tenant, t.UserId, t.AgentId, t.SessionId))];
                GeneratedEmbeddings<Embedding<float>> vectors = await _embeddings.GenerateAsync(
                    turns.Select(EmbeddingText), cancellationToken: cancellationToken).ConfigureAwait(false);
                await StoreAndQueueAsync(
                    tenant, turns, scopes, [.. Enumerable.Range(0, turns.Count)], offsets, vectors, _time.GetUtcNow(), cancellationToken)
                    .ConfigureAwait(false);
                restored += turns.Count;
            }

            after = page[^1].Offset;
            await checkpoints.SetAsync(tenant, CheckpointConsumer, after, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    // A turn record this ingestor wrote; a record of another shape (appended by someone else) is not a memory turn.
    private static ConversationTurn? ToTurn(ExperienceRecord record)
    {
        using JsonDocument doc = JsonDocument.Parse(record.PayloadJson);
        JsonElement root = doc.RootElement;
        string? Str(string name) =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String
                ? e.GetString()
                : null;
        string? user = Str("user_id");
        string? role = Str("role");
        string? text = Str("text");
        if (!MemoryScope.IsValidId(user) || role is null || !s_roles.Contains(role) || string.IsNullOrWhiteSpace(text) ||
            text.Length > NewMemoryItem.MaxTextLength)
        {
            return null;
        }

        string? agent = Str("agent_id");
        string? speaker = Str("speaker");
        return new ConversationTurn(user, role, text)
        {
            Speaker = speaker is { Length: <= 256 } ? speaker : null,
            AgentId = MemoryScope.IsValidId(agent) ? agent : null,
            SessionId = MemoryScope.IsValidId(record.SessionId) ? record.SessionId : null,
            Timestamp = record.Timestamp,
        };
    }
}
