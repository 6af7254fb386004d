using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;
using Myelin.Core;
using Myelin.Memory;
using Myelin.Memory.Context;
using Myelin.Memory.Retrieval;
using Myelin.Server.Auth;

namespace Myelin.Server.Endpoints;

/// <content>Context building (<c>POST /api/memory/context</c>) and the tenant's users (<c>GET /api/memory/users</c>).</content>
public static partial class MemoryApi
{
    private const int MaxContextTurns = 1000;
    private const int MaxPromptChars = 200_000;

    private static readonly HashSet<string> s_roles = new(StringComparer.Ordinal) { "user", "assistant", "system", "tool" };

    private static async Task<Ok<ContextOutput>> ContextAsync(ContextInput input, HttpContext context, MemoryRoom room)
    {
        Principal principal = context.RequireMyelinPrincipal();
        (ContextRequest request, ContextBuilderOptions options) = ReadContextInput(input);
        RecallResult recalled = options.MaxMemories == 0
            ? new RecallResult([], false, false)
            : await room.Retriever.RecallAsync(
                principal.Tenant,
                new RecallRequest(input.UserId!, input.Query!.Length > 8192 ? input.Query[..8192] : input.Query)
                {
                    AgentId = input.AgentId,
                    SessionId = input.SessionId,
                    Limit = Math.Clamp(options.MaxMemories * 2, 1, 100),
                    NeighbourTurns = 0,
                },
                context.RequestAborted).ConfigureAwait(false);
        ContextResult result = await new ContextBuilder(options)
            .BuildAsync(request with { Memories = recalled.Hits, AboutThePast = recalled.AboutThePast }, context.RequestAborted)
            .ConfigureAwait(false);
        ContextReport r = result.Report;
        return TypedResults.Ok(new ContextOutput(
            [.. result.Messages.Select(m => new ContextMessageOutput(m.Role.Value, m.Text))],
            new ContextReportOutput(
                r.TokenBudget,
                r.ReserveForAnswer,
                new ContextTokensOutput(r.Tokens.System, r.Tokens.Memories, r.Tokens.Summary, r.Tokens.RecentTurns, r.Tokens.CurrentTurn, r.Tokens.Total),
                [.. r.Dropped.Select(d => new ContextDropOutput(Snake(d.Section.ToString()), d.Index, Snake(d.Reason.ToString()), d.Tokens, d.Preview, d.MemoryId))],
                Snake(r.SummaryMethod.ToString()),
                r.SummarisedTurns,
                r.SummariserFailures)));
    }

    private static async Task<Ok<MemoryUsersOutput>> UsersAsync(int? limit, HttpContext context, MemoryRoom room)
    {
        Principal principal = context.RequireMyelinPrincipal();
        if (limit is < 1 or > 10_000)
        {
            throw new MyelinValidationException("invalid_memory_list", "The limit must be from 1 to 10000.");
        }

        IReadOnlyList<MemoryUser> users = await room.Store.ListUsersAsync(principal.Tenant, limit ?? 1000, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new MemoryUsersOutput([.. users.Select(u => new MemoryUserOutput(u.UserId, u.ItemCount, u.LastRecordedAt))]));
    }

    private static (ContextRequest Request, ContextBuilderOptions Options) ReadContextInput(ContextInput input)
    {
        if (!MemoryScope.IsValidId(input.UserId))
        {
            throw new MyelinValidationException("invalid_memory_scope", "'userId' must be 1-128 characters without control characters.");
        }

        if (string.IsNullOrWhiteSpace(input.Query) || input.Query.Length > Memory.NewMemoryItem.MaxTextLength)
        {
            throw new MyelinValidationException("invalid_context", $"'query' must be 1 to {Memory.NewMemoryItem.MaxTextLength} characters and not blank.");
        }

        if (input.TokenBudget is not (>= 1 and <= 1_000_000))
        {
            throw new MyelinValidationException("invalid_token_budget", "'tokenBudget' is required, from 1 to 1000000.");
        }

        if (input.SystemPrompt is { Length: > MaxPromptChars })
        {
            throw new MyelinValidationException("invalid_context", $"'systemPrompt' may have at most {MaxPromptChars} characters.");
        }

        if (input.ReserveForAnswer is < 0 || input.MaxMemories is < 0 or > 100 || input.MaxSummaryTokens is < 0
            || input.MinMemoryScore is { } score && (double.IsNaN(score) || double.IsInfinity(score)))
        {
            throw new MyelinValidationException(
                "invalid_context", "'reserveForAnswer' and 'maxSummaryTokens' must not be negative, 'maxMemories' must be 0 to 100, 'minMemoryScore' a number.");
        }

        var options = new ContextBuilderOptions
        {
            ReserveForAnswer = input.ReserveForAnswer ?? 512,
            MaxMemories = input.MaxMemories ?? 8,
            MinMemoryScore = input.MinMemoryScore ?? 0,
            MaxSummaryTokens = input.MaxSummaryTokens ?? 512,
        };
        var request = new ContextRequest(input.SystemPrompt ?? string.Empty, new ChatMessage(ChatRole.User, input.Query), input.TokenBudget.Value)
        {
            RecentTurns = ReadTurns(input.RecentTurns, "recentTurns"),
            OlderTurns = ReadTurns(input.OlderTurns, "olderTurns"),
        };
        return (request, options);
    }

    private static ChatMessage[] ReadTurns(IReadOnlyList<ContextTurnInput>? turns, string name)
    {
        if (turns is null)
        {
            return [];
        }

        if (turns.Count > MaxContextTurns)
        {
            throw new MyelinValidationException("invalid_context", $"'{name}' may have at most {MaxContextTurns} turns.");
        }

        var messages = new ChatMessage[turns.Count];
        for (int i = 0; i < turns.Count; i++)
        {
            ContextTurnInput? t = turns[i];
            if (t?.Role is null || !s_roles.Contains(t.Role) || t.Text is null || t.Text.Length > Memory.NewMemoryItem.MaxTextLength)
            {
                throw new MyelinValidationException(
                    "invalid_context",
                    $"'{name}[{i}]' needs a role (user, assistant, system or tool) and a text of at most {Memory.NewMemoryItem.MaxTextLength} characters.");
            }

            messages[i] = new ChatMessage(new ChatRole(t.Role), t.Text);
        }

        return messages;
    }

    private static string Snake(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
