using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Myelin.Memory.Ingest;
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

        List<ChatMessage> augmented = await AugmentAsync(list, user, last.Text, cancellationToken).ConfigureAwait(false);
        ChatResponse response = await base.GetResponseAsync(augmented, options, cancellationToken).ConfigureAwait(false);
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
            : await AugmentAsync(list, user, last.Text, cancellationToken).ConfigureAwait(false);
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

    private async Task<List<ChatMessage>> AugmentAsync(
        List<ChatMessage> messages, string user, string query, CancellationToken cancellationToken)
    {
        if (_options.RecallLimit <= 0)
        {
            return messages;
        }

        RecallResult recalled = await _retriever.RecallAsync(
            _options.Tenant,
            new RecallRequest(user, query.Length > 8192 ? query[..8192] : query)
            {
                AgentId = _options.AgentId,
                Limit = Math.Min(_options.RecallLimit, 100),
                NeighbourTurns = 0,
            },
            cancellationToken).ConfigureAwait(false);
        if (recalled.Hits.Count == 0)
        {
            return messages;
        }

        var sb = new StringBuilder("What you remember about this user (most relevant first; older facts are marked):\n");
        foreach (RecallHit hit in recalled.Hits)
        {
            sb.Append("- ").Append(hit.Item.Text);
            sb.Append(hit.Superseded ? " (no longer current)" : string.Empty);
            sb.Append(" [").Append(hit.Item.ValidFrom.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Append("]\n");
        }

        return [new ChatMessage(ChatRole.System, sb.ToString()), .. messages];
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
