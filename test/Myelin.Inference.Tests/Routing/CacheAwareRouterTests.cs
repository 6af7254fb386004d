using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Myelin.Inference.Routing;

public sealed class CacheAwareRouterTests
{
    [Fact]
    public async Task New_sessions_spread_and_later_turns_follow_their_prefix()
    {
        var replicas = new[] { new RecordingClient("r0"), new RecordingClient("r1") };
        using var router = new CacheAwareRouter(replicas);
        var sessions = new[] { Conversation("Alpha system prompt with tools.", "a"), Conversation("Beta system prompt, other tools.", "b") };
        var firstReplica = new string[2];
        for (int turn = 0; turn < 4; turn++)
        {
            for (int s = 0; s < 2; s++)
            {
                sessions[s].Add(new ChatMessage(ChatRole.User, $"question {turn} of session {s}"));
                ChatResponse response = await router.GetResponseAsync(sessions[s]);
                sessions[s].Add(response.Messages[0]);
                if (turn == 0)
                {
                    firstReplica[s] = response.Text;
                }
                else
                {
                    Assert.Equal(firstReplica[s], response.Text);
                }
            }
        }

        Assert.NotEqual(firstReplica[0], firstReplica[1]);
        Assert.Equal([4L, 4L], router.RoutedCounts);
    }

    [Fact]
    public async Task An_overloaded_replica_loses_its_affinity_to_the_idlest()
    {
        var gate = new TaskCompletionSource();
        var slow = new RecordingClient("slow", gate.Task);
        var fast = new RecordingClient("fast");
        using var router = new CacheAwareRouter([slow, fast], new CacheAwareRouterOptions { BalanceAbsoluteThreshold = 2, BalanceRelativeThreshold = 1.5 });
        List<ChatMessage> shared = Conversation("Shared agent system prompt.", "x");
        shared.Add(new ChatMessage(ChatRole.User, "hello"));

        // The first request goes to 'slow' (both idle and empty) and pins the prefix there; two more follow the prefix.
        Task<ChatResponse>[] pinned = [.. Enumerable.Range(0, 3).Select(_ => router.GetResponseAsync(shared))];
        Assert.Equal([3L, 0L], router.RoutedCounts);

        // Now 'slow' has 3 in flight and 'fast' none (3 - 0 > 2 and 3 > 1.5 x 0): the imbalance wins over the cache match.
        ChatResponse overflow = await router.GetResponseAsync(shared);
        Assert.Equal("fast", overflow.Text);
        gate.SetResult();
        await Task.WhenAll(pinned);
    }

    [Fact]
    public void The_prefix_tree_matches_splits_and_prunes()
    {
        var tree = new ApproximatePrefixTree(maxCharacters: 20);
        tree.Insert("hello world");
        Assert.Equal(11, tree.Match("hello world, again"));
        tree.Insert("hello there");
        Assert.Equal(6, tree.Match("hello stranger"));
        Assert.Equal(11, tree.Match("hello there!"));
        Assert.Equal(16, tree.Characters);

        // Past the budget the least recently used leaf goes.
        tree.Insert("goodbye moon");
        Assert.True(tree.Characters <= 20);
        Assert.Equal(12, tree.Match("goodbye moon"));
    }

    [Fact]
    public async Task Over_two_real_engines_an_agent_replay_keeps_its_prefixes_warm()
    {
        using var directory = new Myelin.TestUtilities.TempDirectory("myelin-router");
        string path = directory.Combine("replica.gguf");
        Myelin.Models.Tokenization.TokenizerVocabulary vocabulary = Myelin.Models.Tokenization.SyntheticVocabulary.BytePair(700);
        Models.ModelSynthesizer.Write(
            new Models.SynthesisOptions(
                new Models.ModelShape(Models.ModelArchitecture.Qwen2, vocabulary.Count, 1024, 64, 2, 128, 4, 2, TiedEmbeddings: true),
                Myelin.Models.Formats.GgmlType.Q8_0,
                Seed: 5)
            { Tokenizer = new Models.VocabularyMetadataSource(vocabulary) },
            path);
        using var router = new CacheAwareRouter([Chat.LocalChatClient.Open(path), Chat.LocalChatClient.Open(path)], ownsReplicas: true);
        Benchmarking.AgentTrace trace = Benchmarking.AgentTrace.Generate(seed: 3, sessions: 3, turns: 3, systemWords: 80);
        var tokenizer = Myelin.Models.Tokenization.Tokenizer.Create(vocabulary);
        var template = Myelin.Models.Tokenization.ChatTemplate.Detect(vocabulary.ChatTemplate);

        Benchmarking.ReplayReport report = await Benchmarking.AgentReplay.RunAsync(
            router, trace, new ChatOptions { Temperature = 0, MaxOutputTokens = 4 }, (tokenizer, template));
        Assert.Equal(9, report.Results.Count);
        Assert.True(report.ReuseOfIdeal >= 0.9, $"reuse {report.CacheReuse:P1} of ideal {report.IdealReuse:P1}");
    }

    private static List<ChatMessage> Conversation(string system, string user) => [new(ChatRole.System, system + " " + user)];

    /// <summary>A replica that answers with its own name, optionally waiting on a gate first.</summary>
    private sealed class RecordingClient(string name, Task? gate = null) : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (gate is not null)
            {
                await gate.WaitAsync(cancellationToken);
            }

            return new ChatResponse(new ChatMessage(ChatRole.Assistant, name));
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            ChatResponse response = await GetResponseAsync(messages, options, cancellationToken);
            yield return new ChatResponseUpdate(ChatRole.Assistant, response.Text);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
