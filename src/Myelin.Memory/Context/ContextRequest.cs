using Microsoft.Extensions.AI;
using Myelin.Memory.Retrieval;

namespace Myelin.Memory.Context;

/// <summary>What to assemble a context from.</summary>
/// <param name="SystemPrompt">The system prompt; never dropped (empty for none).</param>
/// <param name="CurrentTurn">The turn being answered; never dropped.</param>
/// <param name="TokenBudget">The most tokens the assembled messages plus <see cref="ContextBuilderOptions.ReserveForAnswer"/> may take.</param>
public sealed record ContextRequest(string SystemPrompt, ChatMessage CurrentTurn, int TokenBudget)
{
    /// <summary>The latest turns before the current one, oldest first; kept verbatim, newest first, while they fit.
    /// Those that do not fit join the summary.</summary>
    public IReadOnlyList<ChatMessage> RecentTurns { get; init; } = [];

    /// <summary>Earlier turns, oldest first; compacted into one summary message.</summary>
    public IReadOnlyList<ChatMessage> OlderTurns { get; init; } = [];

    /// <summary>Recalled memories, best first (as <see cref="MemoryRetriever"/> returns them).</summary>
    public IReadOnlyList<RecallHit> Memories { get; init; } = [];

    /// <summary>Whether the question is about the past: superseded memories are kept (marked) instead of dropped.
    /// Pass <see cref="RecallResult.AboutThePast"/>.</summary>
    public bool AboutThePast { get; init; }
}
