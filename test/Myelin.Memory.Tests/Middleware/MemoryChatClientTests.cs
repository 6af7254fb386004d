using Microsoft.Extensions.AI;
using Myelin.Memory.Context;
using Myelin.Memory.Retrieval;

namespace Myelin.Memory.Middleware;

public sealed class MemoryChatClientTests
{
    private static ChatOptions For(string user, string session) => new()
    {
        AdditionalProperties = new AdditionalPropertiesDictionary
        {
            [MemoryChatClientOptions.UserIdKey] = user,
            [MemoryChatClientOptions.SessionIdKey] = session,
        },
    };

    [Fact]
    public async Task Recalls_before_the_call_and_remembers_after_it()
    {
        await using IngestHarness h = await IngestHarness.StartAsync();
        await h.RememberAsync(TestStore.TenantA, IngestHarness.Turn("alice", "I'm allergic to peanuts.", TestStore.T0));
        var inner = new ScriptedChatClient(_ => "Try the lentil curry, it has no peanuts.");
        var retriever = new MemoryRetriever(h.Store, h.Embeddings);
        using var client = new MemoryChatClient(inner, h.Ingestor, retriever, new MemoryChatClientOptions { Tenant = TestStore.TenantA });

        ChatResponse response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "What should I cook tonight? No peanuts please")], For("alice", "s9"));
        await h.Ingestor.WhenIdleAsync();

        Assert.Equal("Try the lentil curry, it has no peanuts.", response.Text);
        IReadOnlyList<ChatMessage> sent = inner.Requests[0];
        Assert.Equal(ChatRole.System, sent[0].Role);
        Assert.Contains("allergic to peanuts", sent[0].Text, StringComparison.Ordinal);
        IReadOnlyList<MemoryItem> session = await h.Store.ListAsync(TestStore.TenantA, new MemoryFilter { UserId = "alice", SessionId = "s9" });
        Assert.Equal(["Try the lentil curry, it has no peanuts.", "What should I cook tonight? No peanuts please"], session.Select(i => i.Text).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Streaming_records_the_assembled_response()
    {
        await using IngestHarness h = await IngestHarness.StartAsync();
        var inner = new StreamingClient(["Hello", ", ", "Bob"]);
        using var client = new MemoryChatClient(
            inner, h.Ingestor, new MemoryRetriever(h.Store, h.Embeddings), new MemoryChatClientOptions { Tenant = TestStore.TenantA, DefaultUserId = "bob" });

        var parts = new List<string>();
        await foreach (ChatResponseUpdate u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi, I'm Bob")]))
        {
            parts.Add(u.Text);
        }

        Assert.Equal(["Hello", ", ", "Bob"], parts);
        IReadOnlyList<MemoryItem> stored = await h.Store.ListAsync(TestStore.TenantA, new MemoryFilter { UserId = "bob", Kinds = [MemoryKind.Episode] });
        Assert.Contains(stored, i => i.Text == "Hello, Bob");
    }

    [Fact]
    public async Task A_call_without_a_user_passes_through()
    {
        await using IngestHarness h = await IngestHarness.StartAsync();
        var inner = ScriptedChatClient.Always("ok");
        using var client = new MemoryChatClient(inner, h.Ingestor, new MemoryRetriever(h.Store, h.Embeddings), new MemoryChatClientOptions { Tenant = TestStore.TenantA });

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]);

        Assert.Single(inner.Requests[0]);
        Assert.Equal(0, h.Ingestor.Statistics.TurnsStored);
    }

    [Fact]
    public async Task With_a_context_budget_a_long_conversation_is_fitted_and_the_report_attached()
    {
        await using IngestHarness h = await IngestHarness.StartAsync();
        await h.RememberAsync(TestStore.TenantA, IngestHarness.Turn("alice", "I'm allergic to peanuts.", TestStore.T0));
        var inner = new ScriptedChatClient(_ => "The lentil curry.");
        var builder = new ContextBuilder(new ContextBuilderOptions { ReserveForAnswer = 50 });
        using var client = new MemoryChatClient(inner, h.Ingestor, new MemoryRetriever(h.Store, h.Embeddings), new MemoryChatClientOptions
        {
            Tenant = TestStore.TenantA,
            ContextTokenBudget = 400,
            ContextBuilder = builder,
            Record = false,
        });
        List<ChatMessage> conversation = [new(ChatRole.System, "You are a cook.")];
        for (int i = 0; i < 60; i++)
        {
            conversation.Add(new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, $"Turn {i}: we talked about recipe number {i} with {i % 9} spices."));
        }

        conversation.Add(new ChatMessage(ChatRole.User, "What should I cook tonight? No peanuts please"));

        ChatResponse response = await client.GetResponseAsync(conversation, For("alice", "s9"));

        IReadOnlyList<ChatMessage> sent = inner.Requests[0];
        var report = (ContextReport)response.AdditionalProperties![MemoryChatClientOptions.ContextReportKey]!;
        Assert.Equal("You are a cook.", sent[0].Text);
        Assert.Contains("allergic to peanuts", sent[1].Text, StringComparison.Ordinal);
        Assert.Equal("What should I cook tonight? No peanuts please", sent[^1].Text);
        Assert.True(sent.Count < conversation.Count + 1);
        Assert.True(report.Tokens.Total <= 400 - 50);
        Assert.True(report.SummarisedTurns > 0);
    }

    private sealed class StreamingClient(string[] parts) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, string.Concat(parts))));

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (string p in parts)
            {
                await Task.Yield();
                yield return new ChatResponseUpdate(ChatRole.Assistant, p);
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
