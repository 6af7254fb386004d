using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Memory.Extraction;

namespace Myelin.Memory.Ingest;

public sealed class MemoryIngestorTests
{
    private static readonly DateTimeOffset s_t0 = TestStore.T0;

    [Fact]
    public async Task Stores_turns_verbatim_in_the_log_and_as_episodes()
    {
        await using IngestHarness h = await IngestHarness.StartAsync();

        IReadOnlyList<RememberedTurn> result = await h.RememberAsync(
            TestStore.TenantA,
            IngestHarness.Turn("alice", "Hello there!", s_t0),
            IngestHarness.Turn("alice", "Hi Alice, how can I help?", s_t0.AddSeconds(5), role: "assistant"));

        Assert.Equal([1L, 2L], result.Select(r => r.Offset));
        IReadOnlyList<ExperienceRecord> log = await h.Storage.Log.QueryAsync(TestStore.TenantA, new LogQuery { Kinds = [ExperienceKinds.Turn] });
        Assert.Equal(2, log.Count);
        Assert.Contains("Hello there!", log[0].PayloadJson, StringComparison.Ordinal);
        MemoryItem episode = (await h.Store.GetAsync(TestStore.TenantA, result[0].EpisodeId!))!;
        Assert.Equal("Hello there!", episode.Text);
        Assert.Equal(MemoryKind.Episode, episode.Kind);
        Assert.Equal([1L], episode.SourceOffsets);
        Assert.Equal("s1", episode.Scope.SessionId);
        Assert.Equal(s_t0, episode.ValidFrom);
    }

    [Fact]
    public async Task A_retried_turn_with_the_same_key_is_stored_once()
    {
        await using IngestHarness h = await IngestHarness.StartAsync();
        ConversationTurn turn = IngestHarness.Turn("alice", "I live in Lyon", s_t0) with { IdempotencyKey = "k1" };

        await h.RememberAsync(TestStore.TenantA, turn);
        IReadOnlyList<RememberedTurn> again = await h.RememberAsync(TestStore.TenantA, turn);

        Assert.True(again[0].Duplicate);
        Assert.Null(again[0].EpisodeId);
        IReadOnlyList<MemoryItem> all = await h.Store.ListAsync(TestStore.TenantA, new MemoryFilter { UserId = "alice" });
        Assert.Single(all, i => i.Kind == MemoryKind.Episode);
        Assert.Single(all, i => i.Kind == MemoryKind.Fact);
    }

    [Fact]
    public async Task Rejects_an_invalid_batch_without_storing_anything()
    {
        await using IngestHarness h = await IngestHarness.StartAsync();

        await Assert.ThrowsAsync<MyelinValidationException>(() => h.Ingestor.RememberAsync(
            TestStore.TenantA, [IngestHarness.Turn("alice", "fine", s_t0), new ConversationTurn("alice", "robot", "bad role")]));
        await Assert.ThrowsAsync<MyelinValidationException>(() => h.Ingestor.RememberAsync(
            TestStore.TenantA, [new ConversationTurn("", "user", "no user")]));

        Assert.Equal(0, await h.Storage.Log.GetHeadOffsetAsync(TestStore.TenantA));
        Assert.Empty(await h.Store.ListAsync(TestStore.TenantA, new MemoryFilter { UserId = "alice" }));
    }

    [Fact]
    public async Task Extraction_runs_in_the_background_and_consolidates()
    {
        await using IngestHarness h = await IngestHarness.StartAsync();

        await h.RememberAsync(TestStore.TenantA, IngestHarness.Turn("alice", "I live in Lyon. I love jazz.", s_t0));
        await h.RememberAsync(TestStore.TenantA, IngestHarness.Turn("alice", "Still living in Lyon, I live in Lyon!", s_t0.AddDays(1)));

        IngestStatistics stats = h.Ingestor.Statistics;
        Assert.Equal(2, stats.TurnsStored);
        Assert.Equal(0, stats.JobsPending);
        Assert.Equal(2, stats.MemoriesAdded);
        Assert.True(stats.MemoriesUnchanged >= 1);
        MemoryItem home = Assert.Single(await h.Store.FindOpenBySubjectAsync(TestStore.TenantA, "alice", "location.home"));
        Assert.Equal([1L, 2L], home.SourceOffsets);
    }

    [Fact]
    public async Task Garbage_from_a_model_is_retried_then_quarantined_and_counted()
    {
        var client = ScriptedChatClient.Always("<<<definitely not json>>>");
        await using IngestHarness h = await IngestHarness.StartAsync(new ChatClientExtractor(client));

        await h.RememberAsync(TestStore.TenantA, IngestHarness.Turn("alice", "I live in Lyon", s_t0));

        Assert.Equal(3, client.Calls);
        Assert.Equal(1, h.Ingestor.Statistics.Quarantined);
        QuarantinedOutput q = Assert.Single(await h.Store.ListQuarantineAsync(TestStore.TenantA, "alice", 10));
        Assert.Equal("<<<definitely not json>>>", q.Output);
        Assert.Equal("chat-client", q.Extractor);
        Assert.Empty(await h.Store.ListQuarantineAsync(TestStore.TenantB, null, 10));
        Assert.Single(await h.Store.ListAsync(TestStore.TenantA, new MemoryFilter { UserId = "alice" }));
    }

    [Fact]
    public async Task A_failing_extractor_is_quarantined_not_dropped()
    {
        await using IngestHarness h = await IngestHarness.StartAsync(new ThrowingExtractor());

        await h.RememberAsync(TestStore.TenantA, IngestHarness.Turn("alice", "I live in Lyon", s_t0));

        Assert.Equal(1, h.Ingestor.Statistics.Failed);
        QuarantinedOutput q = Assert.Single(await h.Store.ListQuarantineAsync(TestStore.TenantA, null, 10));
        Assert.Contains("extractor bug", q.Error, StringComparison.Ordinal);
    }

    private sealed class ThrowingExtractor : IMemoryExtractor
    {
        public string Name => "throwing";

        public Task<ExtractionOutcome> ExtractAsync(ExtractionRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("extractor bug");
    }
}
