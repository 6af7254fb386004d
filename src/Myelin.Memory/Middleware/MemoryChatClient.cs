using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Myelin.Memory.Context;
using Myelin.Memory.Ingest;
using Myelin.Memory.Internal;
using Myelin.Memory.Retrieval;

namespace Myelin.Memory.Middleware;

/// <summary>Chat middleware that recalls the user's memories before each call (as a system message in front of the
/// conversation) and remembers the user's last message and the response after it.</summary>
/// <remarks>
/// <para>The user and session come from <c>ChatOptions.AdditionalProperties</c> (<see cref="MemoryChatClientOptions.UserIdKey"/>,
/// <see cref="MemoryChatClientOptions.SessionIdKey"/>) or <see cref="MemoryChatClientOptions.DefaultUserId"/>; the tenant is
/// fixed per client. A call without a user passes through unchanged.</para>
/// <para>Thread-safe when the inner client is. Recording happens after the inner call succeeded; a failed call records nothing.</para>
/// </remarks>
public sealed class MemoryChatClient : DelegatingChatClient
{
    private static readonly ContextBuilder s_defaultBuilder = new();

    private readonly MemoryIngestor _ingestor;
    private readonly MemoryRetriever _retriever;
    private readonly MemoryChatClientOptions _options;

    /// <summary>Wraps <paramref name="innerClient"/> with memory.</summary>
    public MemoryChatClient(IChatClient innerClient, MemoryIngestor ingestor, MemoryRetriever retriever, MemoryChatClientOptions options)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(ingestor);
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentNullException.ThrowIfNull(options);
        _ingestor = ingestor;
        _retriever = retriever;
        _options = options;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        List<ChatMessage> list = [.. messages];
        (string? user, string? session, ChatMessage? last) = Identify(list, options);
        if (user is null || last is null)
        {
            return await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        }

        (List<ChatMessage> augmented, ContextReport? report) = await AugmentAsync(list, user, last.Text, cancellationToken).ConfigureAwait(false);
        ChatResponse response = await base.GetResponseAsync(augmented, options, cancellationToken).ConfigureAwait(false);
        if (report is not null)
        {
            (response.AdditionalProperties ??= [])[MemoryChatClientOptions.ContextReportKey] = report;
        }

        await RecordAsync(user, session, last.Text, response.Text, cancellationToken).ConfigureAwait(false);
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        List<ChatMessage> list = [.. messages];
        (string? user, string? session, ChatMessage? last) = Identify(list, options);
        List<ChatMessage> augmented = user is null || last is null
            ? list
            : (await AugmentAsync(list, user, last.Text, cancellationToken).ConfigureAwait(false)).Messages;
        var text = new StringBuilder();
        await foreach (ChatResponseUpdate update in base.GetStreamingResponseAsync(augmented, options, cancellationToken).ConfigureAwait(false))
        {
            text.Append(update.Text);
            yield return update;
        }

        if (user is not null && last is not null)
        {
            await RecordAsync(user, session, last.Text, text.ToString(), cancellationToken).ConfigureAwait(false);
        }
    }

    private (string? User, string? Session, ChatMessage? Last) Identify(List<ChatMessage> messages, ChatOptions? options)
    {
        string? user = options?.AdditionalProperties?.TryGetValue(MemoryChatClientOptions.UserIdKey, out object? u) == true
            ? u?.ToString()
            : _options.DefaultUserId;
        string? session = options?.AdditionalProperties?.TryGetValue(MemoryChatClientOptions.SessionIdKey, out object? s) == true
            ? s?.ToString()
            : null;
        ChatMessage? last = messages.LastOrDefault(m => m.Role == ChatRole.User && !string.IsNullOrWhiteSpace(m.Text));
        return (MemoryScope.IsValidId(user) ? user : null, session, last);
    }

    private async Task<(List<ChatMessage> Messages, ContextReport? Report)> AugmentAsync(
        List<ChatMessage> messages, string user, string query, CancellationToken cancellationToken)
    {
        if (_options.RecallLimit <= 0 && _options.ContextTokenBudget is null)
        {
            return (messages, null);
        }

        RecallResult recalled = _options.RecallLimit <= 0
            ? new RecallResult([], false, false)
            : await _retriever.RecallAsync(
                _options.Tenant,
                new RecallRequest(user, query.Length > 8192 ? query[..8192] : query)
                {
                    AgentId = _options.AgentId,
                    Limit = Math.Min(_options.RecallLimit, 100),
                    NeighbourTurns = 0,
                },
                cancellationToken).ConfigureAwait(false);
        if (_options.ContextTokenBudget is { } budget)
        {
            ContextResult context = await FitAsync(messages, recalled, budget, cancellationToken).ConfigureAwait(false);
            return ([.. context.Messages], context.Report);
        }

        if (recalled.Hits.Count == 0)
        {
            return (messages, null);
        }

        var sb = new StringBuilder(MemoryLines.Header);
        foreach (RecallHit hit in recalled.Hits)
        {
            sb.Append(MemoryLines.Line(hit));
        }

        return ([new ChatMessage(ChatRole.System, sb.ToString()), .. messages], null);
    }

    /// <summary>Leading system messages become the system prompt, the final message the current turn, and everything
    /// between the recent turns (the builder summarises those that do not fit).</summary>
    private Task<ContextResult> FitAsync(List<ChatMessage> messages, RecallResult recalled, int budget, CancellationToken cancellationToken)
    {
        int system = 0;
        while (system < messages.Count - 1 && messages[system].Role == ChatRole.System)
        {
            system++;
        }

        ContextBuilder builder = _options.ContextBuilder ?? s_defaultBuilder;
        var request = new ContextRequest(string.Join("\n\n", messages.Take(system).Select(m => m.Text)), messages[^1], budget)
        {
            RecentTurns = messages[system..^1],
            Memories = recalled.Hits,
            AboutThePast = recalled.AboutThePast,
        };
        return builder.BuildAsync(request, cancellationToken);
    }

    private async Task RecordAsync(string user, string? session, string userText, string responseText, CancellationToken cancellationToken)
    {
        if (!_options.Record)
        {
            return;
        }

        var turns = new List<ConversationTurn> { new(user, "user", userText) { SessionId = session, AgentId = _options.AgentId } };
        if (!string.IsNullOrWhiteSpace(responseText))
        {
            turns.Add(new ConversationTurn(user, "assistant", responseText) { SessionId = session, AgentId = _options.AgentId });
        }

        await _ingestor.RememberAsync(_options.Tenant, turns, cancellationToken).ConfigureAwait(false);
    }
}
