using System.Security.Cryptography;
using System.Text;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Memory;
using Myelin.Memory.Ingest;
using Myelin.Memory.Retrieval;

namespace Myelin.Server.Endpoints;

/// <summary>
/// Remember, recall and forget as the REST API (<see cref="MemoryApi"/>) and the MCP tools (<c>Mcp/MemoryMcpTools</c>)
/// both run them: same validation, same outputs, same audit record, the tenant always from the caller's principal.
/// </summary>
internal static class MemoryOperations
{
    public static async Task<RememberTurnsResponse> RememberAsync(
        MemoryRoom room, Principal principal, IReadOnlyList<MemoryTurnInput>? turns, CancellationToken cancellationToken)
    {
        if (turns is null)
        {
            throw new MyelinValidationException("invalid_turn_batch", "The body needs a 'turns' array of 1 to 1000 turns.");
        }

        ConversationTurn[] converted = [.. turns.Select(t => new ConversationTurn(t.UserId ?? string.Empty, t.Role ?? string.Empty, t.Text ?? string.Empty)
        {
            Speaker = t.Speaker, AgentId = t.AgentId, SessionId = t.SessionId, Timestamp = t.Timestamp, IdempotencyKey = t.IdempotencyKey,
        })];
        IReadOnlyList<RememberedTurn> stored = await room.Ingestor.RememberAsync(principal.Tenant, converted, cancellationToken).ConfigureAwait(false);
        return new RememberTurnsResponse([.. stored.Select(s => new RememberedTurnOutput(s.Offset, s.EpisodeId, s.Duplicate))]);
    }

    public static async Task<RecallOutput> RecallAsync(MemoryRoom room, Principal principal, RecallInput input, CancellationToken cancellationToken)
    {
        var request = new RecallRequest(input.UserId ?? string.Empty, input.Query ?? string.Empty)
        {
            AgentId = input.AgentId,
            SessionId = input.SessionId,
            Kinds = input.Kinds is null ? null : [.. input.Kinds.Select(ParseKind)],
            ValidAt = input.ValidAt,
            From = input.From,
            To = input.To,
            Limit = input.Limit ?? 10,
            NeighbourTurns = input.NeighbourTurns ?? 1,
            AboutThePast = input.AboutThePast,
        };
        RecallResult result = await room.Retriever.RecallAsync(principal.Tenant, request, cancellationToken).ConfigureAwait(false);
        return new RecallOutput(
            [.. result.Hits.Select(h => new RecallHitOutput(
                ToOutput(h.Item), h.Score, h.Superseded, h.TextRank, h.VectorRank, [.. h.Neighbours.Select(ToOutput)]))],
            result.AboutThePast);
    }

    /// <summary>Forgets a user of the caller's tenant (memory and the content of their turns in the log) and appends the audit
    /// record (a hash of the user id, never the id).</summary>
    /// <remarks>The caller checks the role: REST through the admin policy, MCP in the tool.</remarks>
    public static async Task<ForgetUserOutput> ForgetUserAsync(
        MemoryRoom room, IMyelinStorage storage, TimeProvider time, Principal principal, string? userId, CancellationToken cancellationToken)
    {
        if (userId is null || !MemoryScope.IsValidId(userId))
        {
            throw new MyelinValidationException("invalid_memory_scope", "The user id must be 1-128 characters without control characters.");
        }

        (ForgetResult result, long redacted) = await room.ForgetUserAsync(principal.Tenant, userId, time.GetUtcNow(), cancellationToken)
            .ConfigureAwait(false);
        string target = "user-sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(principal.Tenant.Value + "\n" + userId)));
        await Audit.RecordAsync(storage, principal.Tenant, principal, "memory.forget_user", target, cancellationToken).ConfigureAwait(false);
        return new ForgetUserOutput(result.Items, result.HistoryEntries, result.QuarantinedOutputs, redacted, result.AuditId);
    }

    public static MemoryKind ParseKind(string kind) => kind.ToLowerInvariant() switch
    {
        "episode" => MemoryKind.Episode,
        "fact" => MemoryKind.Fact,
        "preference" => MemoryKind.Preference,
        "procedure" => MemoryKind.Procedure,
        "summary" => MemoryKind.Summary,
        _ => throw new MyelinValidationException(
            "invalid_memory_kind", $"Kind '{kind}' is invalid: use episode, fact, preference, procedure or summary."),
    };

    public static MemoryItemOutput ToOutput(MemoryItem i) => new(
        i.Id, i.Scope.UserId, i.Scope.AgentId, i.Scope.SessionId, i.Kind.ToString().ToLowerInvariant(), i.Text, i.Subject, i.Value,
        i.Speaker, i.ValidFrom, i.ValidTo, i.RecordedAt, i.InvalidatedAt, i.SourceOffsets, i.Importance, i.AccessCount, i.Supersedes,
        i.SupersededBy);
}
