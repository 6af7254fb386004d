using Myelin.Core;

namespace Myelin.Memory.Retrieval;

public sealed class MemoryRetrieverTests
{
    private static readonly DateTimeOffset s_t0 = TestStore.T0;

    private static async Task<IngestHarness> SeedAsync()
    {
        IngestHarness h = await IngestHarness.StartAsync();
        await h.RememberAsync(
            TestStore.TenantA,
            IngestHarness.Turn("alice", "I live in Lyon with my two cats.", s_t0, "s1"),
            IngestHarness.Turn("alice", "Nice! Cats are great company.", s_t0.AddMinutes(1), "s1", role: "assistant"),
            IngestHarness.Turn("alice", "Our quarterly budget review is on Thursday.", s_t0.AddMinutes(2), "s1"),
            IngestHarness.Turn("alice", "I love gardening, especially tomatoes.", s_t0.AddMinutes(3), "s1"));
        await h.RememberAsync(TestStore.TenantA, IngestHarness.Turn("alice", "Big news: I moved to Porto last week.", s_t0.AddDays(40), "s2"));
        await h.RememberAsync(TestStore.TenantA, IngestHarness.Turn("bob", "I live in Lyon too, near the river.", s_t0, "s9"));
        return h;
    }

    private static MemoryRetriever Retriever(IngestHarness h, int hnswThreshold = 20_000, bool sparse = true) =>
        new(h.Store, h.Embeddings, new MemoryRetrieverOptions { HnswThreshold = hnswThreshold, SparseVectorSearch = sparse });

    [Fact]
    public async Task Current_fact_outranks_the_superseded_one()
    {
        await using IngestHarness h = await SeedAsync();

        RecallResult result = await Retriever(h).RecallAsync(TestStore.TenantA, new RecallRequest("alice", "Where does Alice live?"));

        Assert.False(result.AboutThePast);
        int current = result.Hits.ToList().FindIndex(x => x.Item.Text.Contains("Porto", StringComparison.Ordinal));
        int old = result.Hits.ToList().FindIndex(x => x.Item.Text.Contains("Lyon", StringComparison.Ordinal));
        Assert.InRange(current, 0, 1);
        Assert.True(old > current);
        Assert.True(result.Hits[old].Superseded);
    }

    [Fact]
    public async Task A_question_about_the_past_lets_superseded_facts_rank_by_relevance()
    {
        await using IngestHarness h = await SeedAsync();

        RecallResult result = await Retriever(h).RecallAsync(TestStore.TenantA, new RecallRequest("alice", "Where did Alice live before, Lyon?"));

        Assert.True(result.AboutThePast);
        Assert.Contains("Lyon", result.Hits[0].Item.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task As_of_an_earlier_time_the_then_current_fact_is_current()
    {
        await using IngestHarness h = await SeedAsync();

        RecallResult result = await Retriever(h).RecallAsync(
            TestStore.TenantA, new RecallRequest("alice", "Where does Alice live?") { ValidAt = s_t0.AddDays(10) });

        Assert.DoesNotContain(result.Hits, x => x.Item.Text.Contains("Porto", StringComparison.Ordinal));
        Assert.Contains("Lyon", result.Hits[0].Item.Text, StringComparison.Ordinal);
        Assert.False(result.Hits[0].Superseded);
    }

    [Fact]
    public async Task Vectors_find_word_variants_that_bm25_misses()
    {
        await using IngestHarness h = await SeedAsync();

        RecallResult result = await Retriever(h).RecallAsync(TestStore.TenantA, new RecallRequest("alice", "gardener tomatos") { Limit = 3 });

        RecallHit hit = result.Hits.First(x => x.Item.Kind == MemoryKind.Episode);
        Assert.Contains("gardening", hit.Item.Text, StringComparison.Ordinal);
        Assert.NotNull(hit.VectorRank);
    }

    [Fact]
    public async Task Episode_hits_carry_their_neighbouring_turns()
    {
        await using IngestHarness h = await SeedAsync();

        RecallResult result = await Retriever(h).RecallAsync(
            TestStore.TenantA, new RecallRequest("alice", "budget review") { Kinds = [MemoryKind.Episode], Limit = 1 });

        RecallHit hit = Assert.Single(result.Hits);
        Assert.Contains("budget", hit.Item.Text, StringComparison.Ordinal);
        Assert.Equal(["Nice! Cats are great company.", "I love gardening, especially tomatoes."], hit.Neighbours.Select(n => n.Text));
    }

    [Fact]
    public async Task Filters_by_kind_session_and_time()
    {
        await using IngestHarness h = await SeedAsync();
        MemoryRetriever retriever = Retriever(h);

        RecallResult facts = await retriever.RecallAsync(TestStore.TenantA, new RecallRequest("alice", "live") { Kinds = [MemoryKind.Fact] });
        RecallResult session = await retriever.RecallAsync(TestStore.TenantA, new RecallRequest("alice", "live") { SessionId = "s2" });
        RecallResult early = await retriever.RecallAsync(TestStore.TenantA, new RecallRequest("alice", "live") { To = s_t0.AddDays(1) });

        Assert.All(facts.Hits, x => Assert.Equal(MemoryKind.Fact, x.Item.Kind));
        Assert.All(session.Hits, x => Assert.Equal("s2", x.Item.Scope.SessionId));
        Assert.NotEmpty(session.Hits);
        Assert.All(early.Hits, x => Assert.True(x.Item.ValidFrom < s_t0.AddDays(1)));
    }

    [Fact]
    public async Task Never_returns_another_users_or_tenants_memories()
    {
        await using IngestHarness h = await SeedAsync();
        MemoryRetriever retriever = Retriever(h);

        RecallResult bob = await retriever.RecallAsync(TestStore.TenantA, new RecallRequest("bob", "cats gardening Porto budget Lyon"));
        RecallResult otherTenant = await retriever.RecallAsync(TestStore.TenantB, new RecallRequest("alice", "Lyon cats"));

        Assert.All(bob.Hits, x => Assert.Equal("bob", x.Item.Scope.UserId));
        Assert.Empty(otherTenant.Hits);
    }

    [Fact]
    public async Task Uses_hnsw_above_the_threshold_with_the_same_top_hit()
    {
        await using IngestHarness h = await SeedAsync();

        RecallResult exact = await Retriever(h, sparse: false).RecallAsync(TestStore.TenantA, new RecallRequest("alice", "quarterly budget"));
        RecallResult sparse = await Retriever(h).RecallAsync(TestStore.TenantA, new RecallRequest("alice", "quarterly budget"));
        MemoryRetriever withGraph = Retriever(h, hnswThreshold: 2, sparse: false);
        RecallResult beforeGraph = await withGraph.RecallAsync(TestStore.TenantA, new RecallRequest("alice", "quarterly budget"));
        await withGraph.WarmUpAsync(TestStore.TenantA, "alice");
        RecallResult approx = await withGraph.RecallAsync(TestStore.TenantA, new RecallRequest("alice", "quarterly budget"));

        Assert.False(exact.UsedHnsw);
        Assert.True(approx.UsedHnsw);
        Assert.Equal(exact.Hits.Select(x => x.Item.Id), sparse.Hits.Select(x => x.Item.Id));
        Assert.Equal(exact.Hits[0].Item.Id, beforeGraph.Hits[0].Item.Id);
        Assert.Equal(exact.Hits[0].Item.Id, approx.Hits[0].Item.Id);
    }

    [Fact]
    public async Task Counts_accesses_and_rejects_bad_requests()
    {
        await using IngestHarness h = await SeedAsync();
        MemoryRetriever retriever = Retriever(h);

        RecallResult result = await retriever.RecallAsync(TestStore.TenantA, new RecallRequest("alice", "budget") { Limit = 1 });
        await retriever.RecallAsync(TestStore.TenantA, new RecallRequest("alice", "budget") { Limit = 1 });
        await retriever.FlushAccessesAsync();

        Assert.Equal(2, (await h.Store.GetAsync(TestStore.TenantA, result.Hits[0].Item.Id))!.AccessCount);
        await Assert.ThrowsAsync<MyelinValidationException>(() => retriever.RecallAsync(TestStore.TenantA, new RecallRequest("alice", " ")));
        await Assert.ThrowsAsync<MyelinValidationException>(() => retriever.RecallAsync(TestStore.TenantA, new RecallRequest("alice", "x") { Limit = 0 }));
    }
}
