using Myelin.Core;
using Myelin.Memory;
using Myelin.Memory.Text;

namespace Myelin.Conformance;

/// <summary>What every memory store must do, whatever it stores in: a provider's test class derives from this and
/// implements <see cref="CreateStoreAsync"/>.</summary>
public abstract class MemoryStoreConformance : IAsyncLifetime
{
    protected static readonly TenantId TenantA = new("tenant-a");
    protected static readonly TenantId TenantB = new("tenant-b");
    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly List<IMemoryStore> _stores = [];

    private static readonly MemoryScope s_alice = new(TenantA, "alice", "agent-1", "s1");

    /// <summary>A fresh, empty store that shares nothing with stores made for other tests; disposed after the test
    /// when it is disposable.</summary>
    protected abstract Task<IMemoryStore> CreateStoreAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (IMemoryStore store in _stores)
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    private async Task<IMemoryStore> NewStoreAsync()
    {
        IMemoryStore store = await CreateStoreAsync();
        _stores.Add(store);
        return store;
    }

    [Fact]
    public async Task Stores_and_reads_back_every_field()
    {
        IMemoryStore store = await NewStoreAsync();
        var item = new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice lives in Lisbon", T0)
        {
            Subject = "location.home",
            Value = "Lisbon",
            Speaker = "Alice",
            SourceOffsets = [7, 9],
            Importance = 0.8f,
            Vector = new float[] { 0.6f, 0.8f },
        };

        IReadOnlyList<MemoryItem> added = await store.AddAsync(TenantA, [item], "test");
        MemoryItem? read = await store.GetAsync(TenantA, added[0].Id);

        Assert.NotNull(read);
        Assert.Equal(added[0].Id, read.Id);
        Assert.Equal(s_alice, read.Scope);
        Assert.Equal(MemoryKind.Fact, read.Kind);
        Assert.Equal("location.home", read.Subject);
        Assert.Equal("Lisbon", read.Value);
        Assert.Equal(T0, read.ValidFrom);
        Assert.Null(read.ValidTo);
        Assert.Equal([7L, 9L], read.SourceOffsets);
        Assert.Equal(0.8f, read.Importance);
        StoredVector vector = Assert.Single(await store.ReadVectorsAsync(TenantA, "alice", 0));
        Assert.Equal([0.6f, 0.8f], vector.Vector);
    }

    [Fact]
    public async Task Another_tenant_sees_nothing()
    {
        IMemoryStore store = await NewStoreAsync();
        IReadOnlyList<MemoryItem> added = await store.AddAsync(
            TenantA, [new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice plays the cello", T0)], "test");
        var filter = new MemoryFilter { UserId = "alice" };

        Assert.Null(await store.GetAsync(TenantB, added[0].Id));
        Assert.Empty(await store.ListAsync(TenantB, filter));
        Assert.Empty(await store.SearchTextAsync(TenantB, filter, ["cello"], 10));
        Assert.Empty(await store.GetHistoryAsync(TenantB, added[0].Id));
        Assert.Empty(await store.ReadVectorsAsync(TenantB, "alice", 0));
        await Assert.ThrowsAsync<MyelinNotFoundException>(() => store.ReinforceAsync(TenantB, added[0].Id, [1], 0.1f, "x"));
        await Assert.ThrowsAsync<MyelinValidationException>(() => store.AddAsync(
            TenantB, [new NewMemoryItem(s_alice, MemoryKind.Fact, "smuggled", T0)], "test"));
    }

    [Fact]
    public async Task Lists_the_tenants_users_and_filters_current_from_superseded()
    {
        IMemoryStore store = await NewStoreAsync();
        IReadOnlyList<MemoryItem> added = await store.AddAsync(
            TenantA,
            [
                new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice lives in Lisbon", T0) { Subject = "location.home", Value = "Lisbon" },
                new NewMemoryItem(new MemoryScope(TenantA, "bob"), MemoryKind.Fact, "Bob plays chess", T0),
            ],
            "test");
        await store.AddAsync(TenantB, [new NewMemoryItem(new MemoryScope(TenantB, "carol"), MemoryKind.Fact, "x y", T0)], "test");
        await store.SupersedeAsync(
            TenantA, added[0].Id,
            new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice lives in Porto", T0.AddDays(3)) { Subject = "location.home", Value = "Porto" },
            MemoryHistoryAction.Invalidated, "test");

        IReadOnlyList<MemoryUser> users = await store.ListUsersAsync(TenantA, 10);
        IReadOnlyList<MemoryItem> current = await store.ListAsync(TenantA, new MemoryFilter { UserId = "alice", Superseded = false });
        IReadOnlyList<MemoryItem> old = await store.ListAsync(TenantA, new MemoryFilter { UserId = "alice", Superseded = true });

        Assert.Equal([("alice", 2L), ("bob", 1L)], users.Select(u => (u.UserId, u.ItemCount)).Order());
        Assert.Equal("Alice lives in Porto", Assert.Single(current).Text);
        Assert.Equal("Alice lives in Lisbon", Assert.Single(old).Text);
    }

    [Fact]
    public async Task Another_user_is_not_found_by_search()
    {
        IMemoryStore store = await NewStoreAsync();
        var bob = new MemoryScope(TenantA, "bob");
        await store.AddAsync(TenantA, [new NewMemoryItem(bob, MemoryKind.Fact, "Bob plays the cello", T0)], "test");

        Assert.Empty(await store.SearchTextAsync(TenantA, new MemoryFilter { UserId = "alice" }, ["cello"], 10));
        Assert.Single(await store.SearchTextAsync(TenantA, new MemoryFilter { UserId = "bob" }, ["cello"], 10));
    }

    [Fact]
    public async Task Search_ranks_by_relevance_and_applies_filters()
    {
        IMemoryStore store = await NewStoreAsync();
        await store.AddAsync(
            TenantA,
            [
                new NewMemoryItem(s_alice, MemoryKind.Episode, "We talked about gardening and tomatoes", T0),
                new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice grows tomatoes, tomatoes and more tomatoes", T0),
                new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice drives a blue car", T0),
            ],
            "test");
        var filter = new MemoryFilter { UserId = "alice" };
        IReadOnlyList<string> terms = TextAnalyzer.Default.Analyze("growing tomatoes?");

        IReadOnlyList<TextSearchHit> hits = await store.SearchTextAsync(TenantA, filter, terms, 10);
        IReadOnlyList<TextSearchHit> facts = await store.SearchTextAsync(
            TenantA, filter with { Kinds = [MemoryKind.Episode] }, terms, 10);

        Assert.Equal(2, hits.Count);
        Assert.True(hits[0].Score > hits[1].Score);
        MemoryItem? best = await store.GetAsync(TenantA, hits[0].Id);
        Assert.Contains("grows", best!.Text, StringComparison.Ordinal);
        Assert.Single(facts);
    }

    [Fact]
    public async Task Supersede_closes_the_old_item_keeps_it_and_records_history()
    {
        IMemoryStore store = await NewStoreAsync();
        MemoryItem episode = (await store.AddAsync(
            TenantA,
            [new NewMemoryItem(s_alice, MemoryKind.Episode, "I live in Lisbon", T0) { SourceOffsets = [3] }],
            "turn"))[0];
        MemoryItem old = (await store.AddAsync(
            TenantA,
            [new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice lives in Lisbon", T0) { Subject = "location.home", SourceOffsets = [3] }],
            "extract"))[0];
        DateTimeOffset moved = T0.AddDays(30);

        MemoryItem current = await store.SupersedeAsync(
            TenantA,
            old.Id,
            new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice lives in Porto", moved) { Subject = "location.home" },
            MemoryHistoryAction.Invalidated,
            "contradicted");

        MemoryItem closed = (await store.GetAsync(TenantA, old.Id))!;
        Assert.Equal(moved, closed.ValidTo);
        Assert.Equal(current.Id, closed.SupersededBy);
        Assert.Equal(old.Id, current.Supersedes);
        Assert.Equal(current.Id, (await store.GetAsync(TenantA, episode.Id))!.SupersededBy);
        Assert.Equal([current.Id], (await store.FindOpenBySubjectAsync(TenantA, "alice", "location.home")).Select(i => i.Id));
        IReadOnlyList<MemoryHistoryEntry> history = await store.GetHistoryAsync(TenantA, old.Id);
        Assert.Equal([MemoryHistoryAction.Added, MemoryHistoryAction.Invalidated], history.Select(h => h.Action));
        Assert.Equal(current.Id, history[1].RelatedItemId);
        await Assert.ThrowsAsync<MyelinConflictException>(() => store.SupersedeAsync(
            TenantA, old.Id, new NewMemoryItem(s_alice, MemoryKind.Fact, "again", moved), MemoryHistoryAction.Updated, "x"));
    }

    [Fact]
    public async Task As_of_queries_answer_by_valid_time_and_by_known_time()
    {
        IMemoryStore store = await NewStoreAsync();
        MemoryItem old = (await store.AddAsync(
            TenantA,
            [new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice works at Acme", T0) { Subject = "work.employer" }],
            "extract"))[0];
        DateTimeOffset learnedBefore = DateTimeOffset.UtcNow;
        await Task.Delay(5);
        await store.SupersedeAsync(
            TenantA,
            old.Id,
            new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice works at Globex", T0.AddDays(100)) { Subject = "work.employer" },
            MemoryHistoryAction.Invalidated,
            "contradicted");
        var filter = new MemoryFilter { UserId = "alice" };

        IReadOnlyList<MemoryItem> atStart = await store.ListAsync(TenantA, filter with { ValidAt = T0.AddDays(1) });
        IReadOnlyList<MemoryItem> now = await store.ListAsync(TenantA, filter with { ValidAt = T0.AddDays(200) });
        IReadOnlyList<MemoryItem> believedThen = await store.ListAsync(
            TenantA, filter with { ValidAt = T0.AddDays(200), KnownAt = learnedBefore });

        Assert.Equal("Alice works at Acme", Assert.Single(atStart).Text);
        Assert.Equal("Alice works at Globex", Assert.Single(now).Text);
        Assert.Equal("Alice works at Acme", Assert.Single(believedThen).Text);
    }

    [Fact]
    public async Task Reinforce_and_access_update_statistics()
    {
        IMemoryStore store = await NewStoreAsync();
        MemoryItem item = (await store.AddAsync(
            TenantA, [new NewMemoryItem(s_alice, MemoryKind.Preference, "likes tea", T0) { SourceOffsets = [1] }], "x"))[0];

        await store.ReinforceAsync(TenantA, item.Id, [2, 1], 0.2f, "restated");
        await store.RecordAccessAsync(TenantA, [item.Id], T0.AddHours(1));
        await store.RecordAccessAsync(TenantB, [item.Id], T0.AddHours(2));

        MemoryItem read = (await store.GetAsync(TenantA, item.Id))!;
        Assert.Equal([1L, 2L], read.SourceOffsets);
        Assert.Equal(0.7f, read.Importance, 3);
        Assert.Equal(1, read.AccessCount);
        Assert.Equal(T0.AddHours(1), read.LastAccessedAt);
        Assert.Equal(MemoryHistoryAction.Reinforced, (await store.GetHistoryAsync(TenantA, item.Id))[^1].Action);
    }

    [Fact]
    public async Task Neighbour_turns_come_from_the_same_session_in_order()
    {
        IMemoryStore store = await NewStoreAsync();
        var other = new MemoryScope(TenantA, "alice", null, "s2");
        IReadOnlyList<MemoryItem> turns = await store.AddAsync(
            TenantA,
            [
                new NewMemoryItem(s_alice, MemoryKind.Episode, "one", T0),
                new NewMemoryItem(other, MemoryKind.Episode, "elsewhere", T0),
                new NewMemoryItem(s_alice, MemoryKind.Episode, "two", T0),
                new NewMemoryItem(s_alice, MemoryKind.Episode, "three", T0),
                new NewMemoryItem(s_alice, MemoryKind.Episode, "four", T0),
            ],
            "turns");

        IReadOnlyList<MemoryItem> around = await store.GetNeighbourTurnsAsync(TenantA, turns[2], 1, 2);

        Assert.Equal(["one", "three", "four"], around.Select(i => i.Text));
    }

    [Fact]
    public async Task Rejects_invalid_items_without_storing_any()
    {
        IMemoryStore store = await NewStoreAsync();

        await Assert.ThrowsAsync<MyelinValidationException>(() => store.AddAsync(
            TenantA,
            [new NewMemoryItem(s_alice, MemoryKind.Fact, "fine", T0), new NewMemoryItem(s_alice, MemoryKind.Fact, " ", T0)],
            "x"));
        Assert.Throws<MyelinValidationException>(() => new MemoryScope(TenantA, "bad\nid"));
        Assert.Empty(await store.ListAsync(TenantA, new MemoryFilter { UserId = "alice" }));
    }

    [Fact]
    public async Task Forgetting_a_user_removes_items_history_vectors_and_quarantine_and_keeps_an_audit_mark()
    {
        IMemoryStore store = await NewStoreAsync();
        var bob = new MemoryScope(TenantA, "bob");
        MemoryItem item = (await store.AddAsync(
            TenantA,
            [
                new NewMemoryItem(s_alice, MemoryKind.Episode, "I collect Zanzibarite stones", T0) { SourceOffsets = [4], Vector = new float[] { 1, 0 } },
                new NewMemoryItem(bob, MemoryKind.Episode, "Bob collects stamps", T0) { SourceOffsets = [5], Vector = new float[] { 0, 1 } },
            ],
            "turn"))[0];
        await store.AddQuarantineAsync(TenantA, new QuarantinedOutput("alice", T0, "x", 3, "bad", "{\"text\": \"Zanzibarite\"", [4]));

        ForgetResult result = await store.ForgetUserAsync(TenantA, "alice", T0.AddDays(1), throughLogOffset: 9);

        Assert.Equal((1L, 1L, 1L), (result.Items, result.HistoryEntries, result.QuarantinedOutputs));
        Assert.Equal([4L], result.LogOffsets);
        var filter = new MemoryFilter { UserId = "alice" };
        Assert.Empty(await store.ListAsync(TenantA, filter));
        Assert.Empty(await store.SearchTextAsync(TenantA, filter, ["zanzibarit"], 10));
        Assert.Empty(await store.ReadVectorsAsync(TenantA, "alice", 0));
        Assert.Empty(await store.GetHistoryAsync(TenantA, item.Id));
        Assert.Empty(await store.ListQuarantineAsync(TenantA, "alice", 10));
        Assert.Equal(9, await store.GetForgottenThroughAsync(TenantA, "alice"));
        Assert.Equal(0, await store.GetForgottenThroughAsync(TenantB, "alice"));
        Assert.Single(await store.SearchTextAsync(TenantA, new MemoryFilter { UserId = "bob" }, ["stamp"], 10));
        Assert.Single(await store.ReadVectorsAsync(TenantA, "bob", 0));
    }

    [Fact]
    public async Task Episodes_are_found_by_log_offset_and_superseded_with_their_fact()
    {
        IMemoryStore store = await NewStoreAsync();
        await store.AddAsync(TenantA, [new NewMemoryItem(s_alice, MemoryKind.Episode, "I work at Acme", T0) { SourceOffsets = [11] }], "turn");
        MemoryItem fact = (await store.AddAsync(
            TenantA, [new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice works at Acme", T0) { Subject = "work.employer", SourceOffsets = [11] }],
            "extract"))[0];

        MemoryItem next = await store.SupersedeAsync(
            TenantA, fact.Id, new NewMemoryItem(s_alice, MemoryKind.Fact, "Alice works at Globex", T0.AddDays(3)) { Subject = "work.employer" },
            MemoryHistoryAction.Updated, "changed");

        MemoryItem episode = Assert.Single(await store.FindEpisodesByOffsetAsync(TenantA, [11, 12]));
        Assert.Equal(next.Id, episode.SupersededBy);
        Assert.Empty(await store.FindEpisodesByOffsetAsync(TenantB, [11]));
        Assert.Equal(
            [MemoryHistoryAction.Added, MemoryHistoryAction.Updated],
            (await store.GetHistoryAsync(TenantA, fact.Id)).Select(h => h.Action));
    }
}
