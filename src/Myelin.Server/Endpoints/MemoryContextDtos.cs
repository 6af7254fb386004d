namespace Myelin.Server.Endpoints;

/// <summary>A turn given to <c>POST /api/memory/context</c>.</summary>
/// <param name="Role"><c>user</c>, <c>assistant</c>, <c>system</c> or <c>tool</c>.</param>
/// <param name="Text">What was said.</param>
public sealed record ContextTurnInput(string? Role, string? Text);

/// <summary>The body of <c>POST /api/memory/context</c>.</summary>
/// <param name="UserId">Whose memories to recall.</param>
/// <param name="Query">The current turn (the user's message being answered).</param>
/// <param name="TokenBudget">The most tokens the context plus the answer reserve may take (1 to 1,000,000).</param>
/// <param name="SystemPrompt">The system prompt (never dropped).</param>
/// <param name="RecentTurns">The latest turns, oldest first (at most 1,000).</param>
/// <param name="OlderTurns">Earlier turns to summarise, oldest first (at most 1,000).</param>
/// <param name="ReserveForAnswer">Tokens kept free for the answer (default 512).</param>
/// <param name="MaxMemories">Most memories to include (0 to 100, default 8).</param>
/// <param name="MinMemoryScore">Memories scoring below this are left out (default 0).</param>
/// <param name="MaxSummaryTokens">Most tokens for the summary of older turns (default 512).</param>
/// <param name="AgentId">Only this agent's (and shared) memories.</param>
/// <param name="SessionId">Only this session's memories.</param>
public sealed record ContextInput(
    string? UserId, string? Query, int? TokenBudget, string? SystemPrompt, IReadOnlyList<ContextTurnInput>? RecentTurns,
    IReadOnlyList<ContextTurnInput>? OlderTurns, int? ReserveForAnswer, int? MaxMemories, double? MinMemoryScore, int? MaxSummaryTokens,
    string? AgentId, string? SessionId);

/// <summary>One assembled message.</summary>
/// <param name="Role">system, user, assistant or tool.</param>
/// <param name="Text">Its text.</param>
public sealed record ContextMessageOutput(string Role, string Text);

/// <summary>Tokens per section.</summary>
/// <param name="System">The system prompt.</param>
/// <param name="Memories">The memories.</param>
/// <param name="Summary">The summary of older turns.</param>
/// <param name="RecentTurns">The recent turns kept verbatim.</param>
/// <param name="CurrentTurn">The current turn.</param>
/// <param name="Total">All of them.</param>
public sealed record ContextTokensOutput(int System, int Memories, int Summary, int RecentTurns, int CurrentTurn, int Total);

/// <summary>Something left out of the context.</summary>
/// <param name="Section">memories, recent_turns or older_turns.</param>
/// <param name="Index">Its position in that input list.</param>
/// <param name="Reason">over_budget, duplicate_of_recent_turn, superseded, below_score or over_memory_limit.</param>
/// <param name="Tokens">What it would have cost.</param>
/// <param name="Preview">Its first 80 characters.</param>
/// <param name="MemoryId">The memory's id, for a memory.</param>
public sealed record ContextDropOutput(string Section, int Index, string Reason, int Tokens, string Preview, string? MemoryId);

/// <summary>How the context was assembled.</summary>
/// <param name="TokenBudget">The budget asked for.</param>
/// <param name="ReserveForAnswer">Tokens kept free for the answer.</param>
/// <param name="Tokens">Tokens per section.</param>
/// <param name="Dropped">Everything left out, with the reason.</param>
/// <param name="SummaryMethod">none, model or extractive.</param>
/// <param name="SummarisedTurns">Turns the summary covers.</param>
/// <param name="SummariserFailures">Summariser failures that fell back to the extractive summary.</param>
public sealed record ContextReportOutput(
    int TokenBudget, int ReserveForAnswer, ContextTokensOutput Tokens, IReadOnlyList<ContextDropOutput> Dropped, string SummaryMethod,
    int SummarisedTurns, int SummariserFailures);

/// <summary>The answer to <c>POST /api/memory/context</c>.</summary>
/// <param name="Messages">The messages to send, in order.</param>
/// <param name="Report">How they were chosen.</param>
public sealed record ContextOutput(IReadOnlyList<ContextMessageOutput> Messages, ContextReportOutput Report);

/// <summary>A user with memories.</summary>
/// <param name="UserId">The user.</param>
/// <param name="ItemCount">Items (current and superseded).</param>
/// <param name="LastRecordedAt">When the newest was recorded.</param>
public sealed record MemoryUserOutput(string UserId, long ItemCount, DateTimeOffset LastRecordedAt);

/// <summary>The answer to <c>GET /api/memory/users</c>.</summary>
/// <param name="Users">Most recently active first.</param>
public sealed record MemoryUsersOutput(IReadOnlyList<MemoryUserOutput> Users);
