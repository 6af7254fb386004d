using Microsoft.Extensions.AI;
using Myelin.Core;
using static Myelin.Memory.Context.ContextFixtures;

namespace Myelin.Memory.Context;

public sealed class ContextBuilderTests
{
    private static readonly ChatMessage[] s_older =
    [
        User("Hi there."),
        Assistant("Hello! How can I help?"),
        User("I moved to Lisbon in 2021 and I work as a nurse at Santa Maria hospital."),
        Assistant("Noted, thanks."),
        User("My daughter Inês starts school on 14 September."),
        Assistant("ok"),
        User("I prefer short answers, and please never book flights before 9am."),
    ];

    [Fact]
    public async Task Everything_fits_in_priority_order_and_the_report_adds_up()
    {
        var options = new ContextBuilderOptions { ReserveForAnswer = 100 };
        var builder = new ContextBuilder(options);
        var request = new ContextRequest("You are a helpful assistant.", User("Which school day starts first?"), 2000)
        {
            RecentTurns = [User("What about the weekend?"), Assistant("Saturday is free.")],
            OlderTurns = s_older,
            Memories = [Hit("Alice lives in Lisbon.", n: 1), Hit("Alice is a nurse.", n: 2)],
        };

        ContextResult result = await builder.BuildAsync(request);

        Assert.Equal(
            [ChatRole.System, ChatRole.System, ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User],
            result.Messages.Select(m => m.Role));
        Assert.Equal("You are a helpful assistant.", result.Messages[0].Text);
        Assert.Contains("Alice lives in Lisbon.", result.Messages[1].Text, StringComparison.Ordinal);
        Assert.StartsWith("Summary of the earlier conversation:", result.Messages[2].Text, StringComparison.Ordinal);
        Assert.Same(request.CurrentTurn, result.Messages[^1]);
        Assert.Empty(result.Report.Dropped);
        Assert.Equal(SummaryMethod.Extractive, result.Report.SummaryMethod);
        Assert.Equal(s_older.Length, result.Report.SummarisedTurns);
        Assert.Equal(Cost(result.Messages, options), result.Report.Tokens.Total);
        Assert.True(result.Report.Tokens.Total <= 2000 - 100);
    }

    [Fact]
    public async Task Extractive_summary_keeps_the_informative_sentences_and_skips_small_talk()
    {
        var builder = new ContextBuilder(new ContextBuilderOptions { ReserveForAnswer = 10, MaxSummaryTokens = 60 });
        ContextResult result = await builder.BuildAsync(new ContextRequest(string.Empty, User("When does school start?"), 400) { OlderTurns = s_older });

        string summary = result.Messages[0].Text;
        Assert.Contains("14 September", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Hi there", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("- assistant: ok", summary, StringComparison.Ordinal);
        Assert.True(result.Report.Tokens.Summary <= 60);
        int lisbon = summary.IndexOf("Lisbon", StringComparison.Ordinal);
        int school = summary.IndexOf("14 September", StringComparison.Ordinal);
        Assert.True(lisbon < 0 || lisbon < school, "sentences stay in conversation order");
    }

    [Fact]
    public async Task Every_dropped_memory_is_reported_with_its_reason()
    {
        var builder = new ContextBuilder(new ContextBuilderOptions { ReserveForAnswer = 0, MaxMemories = 2, MinMemoryScore = 0.01, MemoryShare = 1 });
        var request = new ContextRequest("sys", User("Where do I live now?"), 1000)
        {
            RecentTurns = [User("I moved to Porto last week."), Assistant("Porto is lovely.")],
            Memories =
            [
                Hit("Alice lives in Porto.", n: 1),
                Hit("Alice lives in Lisbon.", superseded: true, n: 2),
                Hit("I moved to Porto last week.", kind: MemoryKind.Episode, n: 3),
                Hit("Alice likes fado.", score: 0.001, n: 4),
                Hit("Alice is a nurse.", n: 5),
                Hit("Alice has a daughter.", n: 6),
            ],
        };

        ContextResult result = await builder.BuildAsync(request);

        Assert.Equal(
            [
                (2, ContextDropReason.Superseded), (3, ContextDropReason.DuplicateOfRecentTurn), (4, ContextDropReason.BelowScore),
                (6, ContextDropReason.OverMemoryLimit),
            ],
            result.Report.Dropped.Select(d => (d.Index + 1, d.Reason)));
        Assert.All(result.Report.Dropped, d => Assert.Equal(ContextSection.Memories, d.Section));
        Assert.Equal("mem_" + 2.ToString("x32", System.Globalization.CultureInfo.InvariantCulture), result.Report.Dropped[0].MemoryId);
        string memories = result.Messages[1].Text;
        Assert.Contains("Porto", memories, StringComparison.Ordinal);
        Assert.Contains("nurse", memories, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_about_the_past_keeps_superseded_memories_marked()
    {
        var builder = new ContextBuilder(new ContextBuilderOptions { ReserveForAnswer = 0 });
        ContextResult result = await builder.BuildAsync(new ContextRequest("sys", User("Where did I use to live?"), 1000)
        {
            Memories = [Hit("Alice lives in Lisbon.", superseded: true)],
            AboutThePast = true,
        });

        Assert.Empty(result.Report.Dropped);
        Assert.Contains("Alice lives in Lisbon. (no longer current)", result.Messages[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_budget_recent_turns_join_the_summary_and_turns_without_room_are_reported()
    {
        var options = new ContextBuilderOptions { ReserveForAnswer = 0, MaxSummaryTokens = 40 };
        var builder = new ContextBuilder(options);
        string longTurn = string.Join(' ', Enumerable.Repeat("The quarterly revenue report for region 7 shows growth.", 20));
        var request = new ContextRequest("sys", User("Summarise please."), 120)
        {
            RecentTurns = [User(longTurn), Assistant("Sure."), User("Thanks.")],
        };

        ContextResult result = await builder.BuildAsync(request);

        Assert.Equal(["Sure.", "Thanks.", "Summarise please."], result.Messages.Skip(2).Select(m => m.Text));
        Assert.Equal(1, result.Report.SummarisedTurns);
        Assert.Contains("region 7", result.Messages[1].Text, StringComparison.Ordinal);

        ContextResult tight = await builder.BuildAsync(request with { TokenBudget = 30 });
        ContextDrop drop = Assert.Single(tight.Report.Dropped, d => d.Section == ContextSection.RecentTurns);
        Assert.Equal((0, ContextDropReason.OverBudget), (drop.Index, drop.Reason));
        Assert.Equal(SummaryMethod.None, tight.Report.SummaryMethod);
        Assert.True(tight.Report.Tokens.Total <= 30);
    }

    [Fact]
    public async Task A_system_prompt_larger_than_the_budget_is_a_clear_error()
    {
        var builder = new ContextBuilder(new ContextBuilderOptions { ReserveForAnswer = 50 });
        string prompt = string.Join(' ', Enumerable.Repeat("rule", 200));

        MyelinValidationException tooSmall = await Assert.ThrowsAsync<MyelinValidationException>(
            () => builder.BuildAsync(new ContextRequest(prompt, User("hi"), 100)));
        MyelinValidationException noRoom = await Assert.ThrowsAsync<MyelinValidationException>(
            () => builder.BuildAsync(new ContextRequest("sys", User("hi"), 50)));

        Assert.Equal("context_budget_too_small", tooSmall.Code);
        Assert.Contains("The system prompt alone takes 204 tokens but the budget leaves 50", tooSmall.Message, StringComparison.Ordinal);
        Assert.Equal("invalid_token_budget", noRoom.Code);
    }

    [Fact]
    public async Task The_summariser_writes_the_summary_within_its_bounds()
    {
        var summariser = new ScriptedChatClient(_ => "Alice lives in Lisbon, works as a nurse; her daughter starts school on 14 September.");
        var builder = new ContextBuilder(new ContextBuilderOptions { ReserveForAnswer = 0, Summariser = summariser, MaxSummaryTokens = 100 });

        ContextResult result = await builder.BuildAsync(new ContextRequest("sys", User("When?"), 1000) { OlderTurns = s_older });

        Assert.Equal(SummaryMethod.Model, result.Report.SummaryMethod);
        Assert.Equal(0, result.Report.SummariserFailures);
        Assert.Contains("works as a nurse", result.Messages[1].Text, StringComparison.Ordinal);
        IReadOnlyList<ChatMessage> asked = Assert.Single(summariser.Requests);
        Assert.Contains("user: My daughter Inês starts school on 14 September.", asked[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_or_slow_summariser_falls_back_to_the_extractive_summary_and_is_counted()
    {
        var failing = new ScriptedChatClient(_ => throw new HttpRequestException("connection refused"));
        var slow = new HangingChatClient();
        foreach ((IChatClient client, string error) in new (IChatClient, string)[] { (failing, "connection refused"), (slow, "timed out") })
        {
            var builder = new ContextBuilder(new ContextBuilderOptions
            {
                ReserveForAnswer = 0,
                Summariser = client,
                SummariserTimeout = TimeSpan.FromMilliseconds(50),
            });

            ContextResult result = await builder.BuildAsync(new ContextRequest("sys", User("When?"), 1000) { OlderTurns = s_older });

            Assert.Equal(SummaryMethod.Extractive, result.Report.SummaryMethod);
            Assert.Equal(1, result.Report.SummariserFailures);
            Assert.Contains(error, result.Report.SummariserError, StringComparison.Ordinal);
            Assert.Contains("14 September", result.Messages[1].Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_same_input_builds_the_same_context()
    {
        ChatMessage[] turns = [.. Enumerable.Range(0, 40).Select(i => User($"Note {i}: the meeting with team {i % 7} moved to room {i % 5}."))];
        var request = new ContextRequest("sys", User("Which room?"), 300) { OlderTurns = turns[..30], RecentTurns = turns[30..] };

        ContextResult first = await new ContextBuilder(new ContextBuilderOptions { ReserveForAnswer = 20, Seed = 7 }).BuildAsync(request);
        ContextResult second = await new ContextBuilder(new ContextBuilderOptions { ReserveForAnswer = 20, Seed = 7 }).BuildAsync(request);

        Assert.Equal(first.Messages.Select(m => m.Text), second.Messages.Select(m => m.Text));
        Assert.Equal(first.Report.Tokens, second.Report.Tokens);
        Assert.Equal(first.Report.Dropped, second.Report.Dropped);
    }

    private sealed class HangingChatClient : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            // Ignores the token, like a client stuck in a connect: the builder's own timeout has to end the wait.
            await Task.Delay(TimeSpan.FromSeconds(30), CancellationToken.None);
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, "too late"));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
