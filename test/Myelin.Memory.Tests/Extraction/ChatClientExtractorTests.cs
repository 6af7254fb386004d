using Microsoft.Extensions.AI;

namespace Myelin.Memory.Extraction;

public sealed class ChatClientExtractorTests
{
    private const string Valid = """
        {"memories": [{"kind": "fact", "text": "Alice lives in Porto", "subject": "location.home", "value": "Porto",
          "valid_from": "2025-03-01T00:00:00Z", "importance": 0.8, "turn": 1}]}
        """;

    private static readonly DateTimeOffset s_now = new(2025, 3, 12, 15, 30, 0, TimeSpan.Zero);

    private static readonly ExtractionRequest s_request = new(
        new MemoryScope(TestStore.TenantA, "alice"),
        [new ExtractionTurn(10, "user", "Alice", "hello", s_now), new ExtractionTurn(11, "user", "Alice", "I moved to Porto", s_now)]);

    [Fact]
    public async Task Accepts_valid_output_on_the_first_attempt()
    {
        var client = ScriptedChatClient.Always(Valid);

        ExtractionOutcome outcome = await new ChatClientExtractor(client).ExtractAsync(s_request);

        ExtractedMemory m = Assert.Single(outcome.Memories);
        Assert.Equal(1, outcome.Attempts);
        Assert.Null(outcome.Quarantined);
        Assert.Equal(11, m.SourceOffset);
        Assert.Equal("location.home", m.Subject);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), m.ValidFrom);
    }

    [Fact]
    public async Task Retries_with_the_validation_error_and_accepts_a_fenced_answer()
    {
        var client = new ScriptedChatClient(_ => "Sure! Here are the memories you asked for.", _ => "```json\n" + Valid + "\n```");

        ExtractionOutcome outcome = await new ChatClientExtractor(client).ExtractAsync(s_request);

        Assert.Single(outcome.Memories);
        Assert.Equal(2, outcome.Attempts);
        ChatMessage feedback = client.Requests[1][^1];
        Assert.Equal(ChatRole.User, feedback.Role);
        Assert.Contains("not valid JSON", feedback.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[]")]
    [InlineData("{\"memories\": {}}")]
    [InlineData("{\"memories\": [{\"kind\": \"episode\", \"text\": \"x\", \"importance\": 0.5, \"turn\": 0}]}")]
    [InlineData("{\"memories\": [{\"kind\": \"fact\", \"text\": \"\", \"importance\": 0.5, \"turn\": 0}]}")]
    [InlineData("{\"memories\": [{\"kind\": \"fact\", \"text\": \"x\", \"importance\": 7, \"turn\": 0}]}")]
    [InlineData("{\"memories\": [{\"kind\": \"fact\", \"text\": \"x\", \"importance\": 0.5, \"turn\": 99}]}")]
    [InlineData("{\"memories\": [{\"kind\": \"fact\", \"text\": \"x\", \"importance\": 0.5, \"turn\": 0, \"subject\": \"'; DROP TABLE items; --\"}]}")]
    [InlineData("{\"memories\": [{\"kind\": \"fact\", \"text\": \"x\", \"importance\": 0.5, \"turn\": 0, \"valid_from\": \"last tuesday\"}]}")]
    [InlineData("{\"memories\": [{\"kind\": \"fact\", \"text\": 12, \"importance\": 0.5, \"turn\": 0}]}")]
    public async Task Quarantines_output_that_stays_invalid(string garbage)
    {
        var client = ScriptedChatClient.Always(garbage);

        ExtractionOutcome outcome = await new ChatClientExtractor(client, new ChatClientExtractorOptions { MaxAttempts = 3 }).ExtractAsync(s_request);

        Assert.Empty(outcome.Memories);
        Assert.Equal(3, client.Calls);
        QuarantinedOutput q = Assert.IsType<QuarantinedOutput>(outcome.Quarantined);
        Assert.Equal(garbage, q.Output);
        Assert.Equal(3, q.Attempts);
        Assert.Equal([10L, 11L], q.SourceOffsets);
        Assert.NotEmpty(q.Error);
    }

    [Fact]
    public async Task Quarantines_when_the_model_call_keeps_failing()
    {
        var client = new ScriptedChatClient(_ => throw new HttpRequestException("connection refused"));

        ExtractionOutcome outcome = await new ChatClientExtractor(client, new ChatClientExtractorOptions { MaxAttempts = 2 }).ExtractAsync(s_request);

        Assert.Equal(2, client.Calls);
        Assert.Contains("connection refused", outcome.Quarantined!.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejects_too_many_memories()
    {
        string many = "{\"memories\": [" + string.Join(',', Enumerable.Repeat("{\"kind\":\"fact\",\"text\":\"x\",\"importance\":0.5,\"turn\":0}", 6)) + "]}";
        var client = ScriptedChatClient.Always(many);

        ExtractionOutcome outcome = await new ChatClientExtractor(client, new ChatClientExtractorOptions { MaxMemories = 5, MaxAttempts = 1 })
            .ExtractAsync(s_request);

        Assert.Contains("at most 5", outcome.Quarantined!.Error, StringComparison.Ordinal);
    }
}
