namespace Myelin.Memory.Ingest;

/// <summary>Facts that change over time: every superseded version is closed, kept, and in history; none is deleted.</summary>
public sealed class ContradictionTests
{
    [Fact]
    public async Task Every_superseded_fact_is_closed_kept_and_in_history()
    {
        await using IngestHarness h = await IngestHarness.StartAsync();
        string[] cities = ["Lyon", "Porto", "Oslo", "Lima", "Kyoto", "Quito"];
        var random = new Random(1234);
        DateTimeOffset at = TestStore.T0;
        var said = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            string city = cities[random.Next(cities.Length)];
            said.Add(city);
            at = at.AddDays(3);
            await h.RememberAsync(TestStore.TenantA, IngestHarness.Turn("alice", $"By the way, I moved to {city}.", at));
            await h.RememberAsync(TestStore.TenantA, IngestHarness.Turn("alice", random.Next(2) == 0 ? "I love jazz." : "I hate jazz.", at));
        }

        IReadOnlyList<MemoryItem> all = await h.Store.ListAsync(TestStore.TenantA, new MemoryFilter { UserId = "alice", Limit = 1000 });
        foreach (string subject in new[] { "location.home", "opinion.jazz" })
        {
            List<MemoryItem> versions = [.. all.Where(i => i.Subject == subject).OrderBy(i => i.Sequence)];
            Assert.Single(versions, v => v.ValidTo is null);
            Assert.Null(versions[^1].ValidTo);
            for (int v = 0; v < versions.Count - 1; v++)
            {
                Assert.NotNull(versions[v].ValidTo);
                Assert.Equal(versions[v + 1].Id, versions[v].SupersededBy);
                Assert.Equal(versions[v].Id, versions[v + 1].Supersedes);
                Assert.Equal(versions[v + 1].ValidFrom, versions[v].ValidTo);
                IReadOnlyList<MemoryHistoryEntry> history = await h.Store.GetHistoryAsync(TestStore.TenantA, versions[v].Id);
                Assert.Equal(MemoryHistoryAction.Added, history[0].Action);
                Assert.Contains(history, e => e.Action == MemoryHistoryAction.Invalidated && e.RelatedItemId == versions[v + 1].Id);
            }
        }

        // Each change of city made exactly one new version; restatements made none; nothing was deleted.
        int changes = 1 + said.Zip(said.Skip(1)).Count(p => p.First != p.Second);
        Assert.Equal(changes, all.Count(i => i.Subject == "location.home"));
        Assert.Equal(said[^1], all.Single(i => i.Subject == "location.home" && i.ValidTo is null).Value);
        Assert.Equal(40, all.Count(i => i.Kind == MemoryKind.Episode));
        IReadOnlyList<MemoryItem> midway = await h.Store.ListAsync(
            TestStore.TenantA, new MemoryFilter { UserId = "alice", ValidAt = TestStore.T0.AddDays(3 * 10).AddHours(1), Kinds = [MemoryKind.Fact] });
        Assert.Equal(said[9], Assert.Single(midway).Value);
    }
}
