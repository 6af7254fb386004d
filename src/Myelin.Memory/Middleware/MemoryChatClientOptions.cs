using Myelin.Core;
using Myelin.Memory.Context;

namespace Myelin.Memory.Middleware;

/// <summary>Settings of <see cref="MemoryChatClient"/>.</summary>
public sealed class MemoryChatClientOptions
{
    /// <summary>The <c>ChatOptions.AdditionalProperties</c> key naming the end user of a call.</summary>
    public const string UserIdKey = "myelin.user_id";

    /// <summary>The <c>ChatOptions.AdditionalProperties</c> key naming the session of a call.</summary>
    public const string SessionIdKey = "myelin.session_id";

    /// <summary>The tenant whose memory the client reads and writes (fixed per client: take it from a credential).</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>The user when a call names none in its options; a call with no user at all passes through untouched.</summary>
    public string? DefaultUserId { get; init; }

    /// <summary>The agent the client speaks for, if any.</summary>
    public string? AgentId { get; init; }

    /// <summary>How many memories to put in front of a call (default 5; 0 records without recalling).</summary>
    public int RecallLimit { get; init; } = 5;

    /// <summary>Whether to remember the user's message and the response after each call (default true).</summary>
    public bool Record { get; init; } = true;

    /// <summary>When set, the conversation is fitted into this many tokens by <see cref="ContextBuilder"/> (memories,
    /// a summary of the turns that do not fit, the latest turns verbatim) instead of sent whole with the memories in
    /// front. The report is attached to non-streaming responses under <see cref="ContextReportKey"/>.</summary>
    public int? ContextTokenBudget { get; init; }

    /// <summary>The builder used with <see cref="ContextTokenBudget"/> (default: approximate token counts, extractive summaries).</summary>
    public ContextBuilder? ContextBuilder { get; init; }

    /// <summary>The <c>ChatResponse.AdditionalProperties</c> key of the <see cref="ContextReport"/> when a budget is set.</summary>
    public const string ContextReportKey = "myelin.context_report";
}
