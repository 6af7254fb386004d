using Myelin.Core.Log;

namespace Myelin.Memory.Ingest;

/// <summary>Turns in the log without episodes (a crash between the two writes, a lost memory file) are restored.</summary>
public sealed class CatchUpTests
{
    private static NewExperienceRecord Turn(string user, string text, int minute) => new(
        ExperienceKinds.Turn,
        $$"""{"user_id": "{{user}}", "role": "user", "speaker": "{{user}}", "text": "{{text}}"}""",
        TestStore.T0.AddMinutes(minute),
        SessionId: "s1");

    [Fact]
    public async Task Stores_and_extracts_logged_turns_that_have_no_episode_once()
    {
        await using IngestHarness h = await IngestHarness.StartAsync();
        await h.RememberAsync(TestStore.TenantA, IngestHarness.Turn("ann", "Hello!", TestStore.T0));
        await h.Storage.Log.AppendAsync(TestStore.TenantA, [Turn("ann", "I live in Oslo.", 1), Turn("ann", "I love skiing.", 2)]);
        await h.Storage.Log.AppendAsync(TestStore.TenantA, [new NewExperienceRecord(ExperienceKinds.Turn, "{\"something\": \"else\"}")]);

        int restored = await h.Ingestor.CatchUpAsync(TestStore.TenantA, h.Storage.Checkpoints);
        await h.Ingestor.WhenIdleAsync();
        int again = await h.Ingestor.CatchUpAsync(TestStore.TenantA, h.Storage.Checkpoints);

        Assert.Equal(2, restored);
        Assert.Equal(0, again);
        Assert.Equal(4, await h.Storage.Checkpoints.GetAsync(TestStore.TenantA, MemoryIngestor.CheckpointConsumer));
        IReadOnlyList<MemoryItem> items = await h.Store.ListAsync(TestStore.TenantA, new MemoryFilter { UserId = "ann" });
        Assert.Equal(3, items.Count(i => i.Kind == MemoryKind.Episode));
        MemoryItem home = Assert.Single(items, i => i.Subject == "location.home");
        Assert.Equal([2L], home.SourceOffsets);
        Assert.Equal(TestStore.T0.AddMinutes(1), home.ValidFrom);
    }

    [Fact]
    public async Task A_rebuild_from_the_log_does_not_bring_back_a_forgotten_user()
    {
        await using IngestHarness h = await IngestHarness.StartAsync();
        await h.RememberAsync(
            TestStore.TenantA, IngestHarness.Turn("gone", "I live in Oslo.", TestStore.T0), IngestHarness.Turn("kept", "I live in Rome.", TestStore.T0));
        await h.Store.ForgetUserAsync(TestStore.TenantA, "gone", TestStore.T0, await h.Storage.Log.GetHeadOffsetAsync(TestStore.TenantA));
        await h.RememberAsync(TestStore.TenantA, IngestHarness.Turn("gone", "I'm back, I live in Lima.", TestStore.T0.AddDays(1)));

        // Rebuild from offset 0 into a fresh store that holds only the forget record (its audit row).
        await using TestStore fresh = await TestStore.OpenAsync();
        await using var rebuild = new MemoryIngestor(fresh.Store, h.Storage.Log, h.Embeddings, new Extraction.PatternExtractor());
        await h.Storage.Checkpoints.SetAsync(TestStore.TenantA, MemoryIngestor.CheckpointConsumer, 0, force: true);
        await fresh.Store.ForgetUserAsync(TestStore.TenantA, "gone", TestStore.T0, 2);

        int restored = await rebuild.CatchUpAsync(TestStore.TenantA, h.Storage.Checkpoints);
        await rebuild.WhenIdleAsync();

        Assert.Equal(2, restored);
        IReadOnlyList<MemoryItem> gone = await fresh.Store.ListAsync(TestStore.TenantA, new MemoryFilter { UserId = "gone" });
        Assert.DoesNotContain(gone, i => i.Text.Contains("Oslo", StringComparison.Ordinal));
        Assert.Contains(gone, i => i.Text.Contains("Lima", StringComparison.Ordinal));
        Assert.Contains(await fresh.Store.ListAsync(TestStore.TenantA, new MemoryFilter { UserId = "kept" }), i => i.Kind == MemoryKind.Episode);
    }
}
