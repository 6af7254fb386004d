using Myelin.Core;
using Myelin.Memory.Text;

namespace Myelin.Memory.Storage;

public sealed class SqliteMemoryStoreTests
{
    private static readonly MemoryScope s_alice = new(TestStore.TenantA, "alice", "agent-1", "s1");

    [Fact]
    public async Task Stores_and_reads_back_every_field()
    {
        await using TestStore t = await TestStore.OpenAsync();
        var item = new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice lives in Lisbon", TestStore.T0)
        {
            Subject = "location.home",
            Value = "Lisbon",
            Speaker = "Alice",
            SourceOffsets = [7, 9],
            Importance = 0.8f,
            Vector = new float[] { 0.6f, 0.8f },
        };

        IReadOnlyList<MemoryItem> added = await t.Store.AddAsync(TestStore.TenantA, [item], "test");
        MemoryItem? read = await t.Store.GetAsync(TestStore.TenantA, added[0].Id);

        Assert.NotNull(read);
        Assert.Equal(added[0].Id, read.Id);
        Assert.Equal(s_alice, read.Scope);
        Assert.Equal(MemoryKind.Fact, read.Kind);
        Assert.Equal("location.home", read.Subject);
        Assert.Equal("Lisbon", read.Value);
        Assert.Equal(TestStore.T0, read.ValidFrom);
        Assert.Null(read.ValidTo);
        Assert.Equal([7L, 9L], read.SourceOffsets);
        Assert.Equal(0.8f, read.Importance);
        StoredVector vector = Assert.Single(await t.Store.ReadVectorsAsync(TestStore.TenantA, "alice", 0));
        Assert.Equal([0.6f, 0.8f], vector.Vector);
    }

    [Fact]
    public async Task Another_tenant_sees_nothing()
    {
        await using TestStore t = await TestStore.OpenAsync();
        IReadOnlyList<MemoryItem> added = await t.Store.AddAsync(
            TestStore.TenantA, [new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice plays the cello", TestStore.T0)], "test");
        var filter = new MemoryFilter { UserId = "alice" };

        Assert.Null(await t.Store.GetAsync(TestStore.TenantB, added[0].Id));
        Assert.Empty(await t.Store.ListAsync(TestStore.TenantB, filter));
        Assert.Empty(await t.Store.SearchTextAsync(TestStore.TenantB, filter, ["cello"], 10));
        Assert.Empty(await t.Store.GetHistoryAsync(TestStore.TenantB, added[0].Id));
        Assert.Empty(await t.Store.ReadVectorsAsync(TestStore.TenantB, "alice", 0));
        await Assert.ThrowsAsync<MyelinNotFoundException>(() => t.Store.ReinforceAsync(TestStore.TenantB, added[0].Id, [1], 0.1f, "x"));
        await Assert.ThrowsAsync<MyelinValidationException>(() => t.Store.AddAsync(
            TestStore.TenantB, [new NewMemoryItem(s_alice, MemoryKind.Fact, "smuggled", TestStore.T0)], "test"));
    }

    [Fact]
    public async Task Lists_the_tenants_users_and_filters_current_from_superseded()
    {
        await using TestStore t = await TestStore.OpenAsync();
        IReadOnlyList<MemoryItem> added = await t.Store.AddAsync(
            TestStore.TenantA,
            [
                new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice lives in Lisbon", TestStore.T0) { Subject = "location.home", Value = "Lisbon" },
                new NewMemoryItem(new MemoryScope(TestStore.TenantA, "bob"), MemoryKind.Fact, "Bob plays chess", TestStore.T0),
            ],
            "test");
        await t.Store.AddAsync(TestStore.TenantB, [new NewMemoryItem(new MemoryScope(TestStore.TenantB, "carol"), MemoryKind.Fact, "x y", TestStore.T0)], "test");
        await t.Store.SupersedeAsync(
            TestStore.TenantA, added[0].Id,
            new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice lives in Porto", TestStore.T0.AddDays(3)) { Subject = "location.home", Value = "Porto" },
            MemoryHistoryAction.Invalidated, "test");

        IReadOnlyList<MemoryUser> users = await t.Store.ListUsersAsync(TestStore.TenantA, 10);
        IReadOnlyList<MemoryItem> current = await t.Store.ListAsync(TestStore.TenantA, new MemoryFilter { UserId = "alice", Superseded = false });
        IReadOnlyList<MemoryItem> old = await t.Store.ListAsync(TestStore.TenantA, new MemoryFilter { UserId = "alice", Superseded = true });

        Assert.Equal([("alice", 2L), ("bob", 1L)], users.Select(u => (u.UserId, u.ItemCount)).Order());
        Assert.Equal("Alice lives in Porto", Assert.Single(current).Text);
        Assert.Equal("Alice lives in Lisbon", Assert.Single(old).Text);
    }

    [Fact]
    public async Task Another_user_is_not_found_by_search()
    {
        await using TestStore t = await TestStore.OpenAsync();
        var bob = new MemoryScope(TestStore.TenantA, "bob");
        await t.Store.AddAsync(TestStore.TenantA, [new NewMemoryItem(bob, MemoryKind.Fact, "Bob plays the cello", TestStore.T0)], "test");

        Assert.Empty(await t.Store.SearchTextAsync(TestStore.TenantA, new MemoryFilter { UserId = "alice" }, ["cello"], 10));
        Assert.Single(await t.Store.SearchTextAsync(TestStore.TenantA, new MemoryFilter { UserId = "bob" }, ["cello"], 10));
    }

    [Fact]
    public async Task Search_ranks_by_bm25_and_applies_filters()
    {
        await using TestStore t = await TestStore.OpenAsync();
        await t.Store.AddAsync(
            TestStore.TenantA,
            [
                new NewMemoryItem(s_alice, MemoryKind.Episode, "We talked about gardening and tomatoes", TestStore.T0),
                new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice grows tomatoes, tomatoes and more tomatoes", TestStore.T0),
                new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice drives a blue car", TestStore.T0),
            ],
            "test");
        var filter = new MemoryFilter { UserId = "alice" };
        IReadOnlyList<string> terms = TextAnalyzer.Default.Analyze("growing tomatoes?");

        IReadOnlyList<TextSearchHit> hits = await t.Store.SearchTextAsync(TestStore.TenantA, filter, terms, 10);
        IReadOnlyList<TextSearchHit> facts = await t.Store.SearchTextAsync(
            TestStore.TenantA, filter with { Kinds = [MemoryKind.Episode] }, terms, 10);

        Assert.Equal(2, hits.Count);
        Assert.True(hits[0].Score > hits[1].Score);
        MemoryItem? best = await t.Store.GetAsync(TestStore.TenantA, hits[0].Id);
        Assert.Contains("grows", best!.Text, StringComparison.Ordinal);
        Assert.Single(facts);
    }

    [Fact]
    public async Task Supersede_closes_the_old_item_keeps_it_and_records_history()
    {
        await using TestStore t = await TestStore.OpenAsync();
        MemoryItem episode = (await t.Store.AddAsync(
            TestStore.TenantA,
            [new NewMemoryItem(s_alice, MemoryKind.Episode, "I live in Lisbon", TestStore.T0) { SourceOffsets = [3] }],
            "turn"))[0];
        MemoryItem old = (await t.Store.AddAsync(
            TestStore.TenantA,
            [new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice lives in Lisbon", TestStore.T0) { Subject = "location.home", SourceOffsets = [3] }],
            "extract"))[0];
        DateTimeOffset moved = TestStore.T0.AddDays(30);

        MemoryItem current = await t.Store.SupersedeAsync(
            TestStore.TenantA,
            old.Id,
            new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice lives in Porto", moved) { Subject = "location.home" },
            MemoryHistoryAction.Invalidated,
            "contradicted");

        MemoryItem closed = (await t.Store.GetAsync(TestStore.TenantA, old.Id))!;
        Assert.Equal(moved, closed.ValidTo);
        Assert.Equal(current.Id, closed.SupersededBy);
        Assert.Equal(old.Id, current.Supersedes);
        Assert.Equal(current.Id, (await t.Store.GetAsync(TestStore.TenantA, episode.Id))!.SupersededBy);
        Assert.Equal([current.Id], (await t.Store.FindOpenBySubjectAsync(TestStore.TenantA, "alice", "location.home")).Select(i => i.Id));
        IReadOnlyList<MemoryHistoryEntry> history = await t.Store.GetHistoryAsync(TestStore.TenantA, old.Id);
        Assert.Equal([MemoryHistoryAction.Added, MemoryHistoryAction.Invalidated], history.Select(h => h.Action));
        Assert.Equal(current.Id, history[1].RelatedItemId);
        await Assert.ThrowsAsync<MyelinConflictException>(() => t.Store.SupersedeAsync(
            TestStore.TenantA, old.Id, new NewMemoryItem(s_alice, MemoryKind.Fact, "again", moved), MemoryHistoryAction.Updated, "x"));
    }

    [Fact]
    public async Task As_of_queries_answer_by_valid_time_and_by_known_time()
    {
        await using TestStore t = await TestStore.OpenAsync();
        MemoryItem old = (await t.Store.AddAsync(
            TestStore.TenantA,
            [new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice works at Acme", TestStore.T0) { Subject = "work.employer" }],
            "extract"))[0];
        DateTimeOffset learnedBefore = DateTimeOffset.UtcNow;
        await Task.Delay(5);
        await t.Store.SupersedeAsync(
            TestStore.TenantA,
            old.Id,
            new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice works at Globex", TestStore.T0.AddDays(100)) { Subject = "work.employer" },
            MemoryHistoryAction.Invalidated,
            "contradicted");
        var filter = new MemoryFilter { UserId = "alice" };

        IReadOnlyList<MemoryItem> atStart = await t.Store.ListAsync(TestStore.TenantA, filter with { ValidAt = TestStore.T0.AddDays(1) });
        IReadOnlyList<MemoryItem> now = await t.Store.ListAsync(TestStore.TenantA, filter with { ValidAt = TestStore.T0.AddDays(200) });
        IReadOnlyList<MemoryItem> believedThen = await t.Store.ListAsync(
            TestStore.TenantA, filter with { ValidAt = TestStore.T0.AddDays(200), KnownAt = learnedBefore });

        Assert.Equal("Alice works at Acme", Assert.Single(atStart).Text);
        Assert.Equal("Alice works at Globex", Assert.Single(now).Text);
        Assert.Equal("Alice works at Acme", Assert.Single(believedThen).Text);
    }

    [Fact]
    public async Task Reinforce_and_access_update_statistics()
    {
        await using TestStore t = await TestStore.OpenAsync();
        MemoryItem item = (await t.Store.AddAsync(
            TestStore.TenantA, [new NewMemoryItem(s_alice, MemoryKind.Preference, "likes tea", TestStore.T0) { SourceOffsets = [1] }], "x"))[0];

        await t.Store.ReinforceAsync(TestStore.TenantA, item.Id, [2, 1], 0.2f, "restated");
        await t.Store.RecordAccessAsync(TestStore.TenantA, [item.Id], TestStore.T0.AddHours(1));
        await t.Store.RecordAccessAsync(TestStore.TenantB, [item.Id], TestStore.T0.AddHours(2));

        MemoryItem read = (await t.Store.GetAsync(TestStore.TenantA, item.Id))!;
        Assert.Equal([1L, 2L], read.SourceOffsets);
        Assert.Equal(0.7f, read.Importance, 3);
        Assert.Equal(1, read.AccessCount);
        Assert.Equal(TestStore.T0.AddHours(1), read.LastAccessedAt);
        Assert.Equal(MemoryHistoryAction.Reinforced, (await t.Store.GetHistoryAsync(TestStore.TenantA, item.Id))[^1].Action);
    }

    [Fact]
    public async Task Neighbour_turns_come_from_the_same_session_in_order()
    {
        await using TestStore t = await TestStore.OpenAsync();
        var other = new MemoryScope(TestStore.TenantA, "alice", null, "s2");
        IReadOnlyList<MemoryItem> turns = await t.Store.AddAsync(
            TestStore.TenantA,
            [
                new NewMemoryItem(s_alice, MemoryKind.Episode, "one", TestStore.T0),
                new NewMemoryItem(other, MemoryKind.Episode, "elsewhere", TestStore.T0),
                new NewMemoryItem(s_alice, MemoryKind.Episode, "two", TestStore.T0),
                new NewMemoryItem(s_alice, MemoryKind.Episode, "three", TestStore.T0),
                new NewMemoryItem(s_alice, MemoryKind.Episode, "four", TestStore.T0),
            ],
            "turns");

        IReadOnlyList<MemoryItem> around = await t.Store.GetNeighbourTurnsAsync(TestStore.TenantA, turns[2], 1, 2);

        Assert.Equal(["one", "three", "four"], around.Select(i => i.Text));
    }

    [Fact]
    public async Task Rejects_invalid_items_without_storing_any()
    {
        await using TestStore t = await TestStore.OpenAsync();

        await Assert.ThrowsAsync<MyelinValidationException>(() => t.Store.AddAsync(
            TestStore.TenantA,
            [new NewMemoryItem(s_alice, MemoryKind.Fact, "fine", TestStore.T0), new NewMemoryItem(s_alice, MemoryKind.Fact, " ", TestStore.T0)],
            "x"));
        Assert.Throws<MyelinValidationException>(() => new MemoryScope(TestStore.TenantA, "bad\nid"));
        Assert.Empty(await t.Store.ListAsync(TestStore.TenantA, new MemoryFilter { UserId = "alice" }));
    }
}
