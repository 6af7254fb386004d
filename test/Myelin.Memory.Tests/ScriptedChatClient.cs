using Microsoft.Extensions.AI;

namespace Myelin.Memory;

/// <summary>A chat client that replies from a script, one reply per call, and records what it was asked.</summary>
internal sealed class ScriptedChatClient(params Func<IReadOnlyList<ChatMessage>, string>[] replies) : IChatClient
{
    private int _calls;

    public List<IReadOnlyList<ChatMessage>> Requests { get; } = [];

    public int Calls => _calls;

    public static ScriptedChatClient Always(string reply) => new(_ => reply);

    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        List<ChatMessage> list = [.. messages];
        int call = Interlocked.Increment(ref _calls) - 1;
        lock (Requests)
        {
            Requests.Add(list);
        }

        string reply = replies[Math.Min(call, replies.Length - 1)](list);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The extractor does not stream.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
