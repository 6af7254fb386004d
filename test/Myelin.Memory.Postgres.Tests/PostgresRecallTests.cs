using Myelin.Core;
using Myelin.Memory.Embeddings;
using Myelin.Memory.Retrieval;
using Myelin.TestUtilities;

namespace Myelin.Memory.Postgres;

/// <summary>Hybrid recall (full text + vectors + fusion) over the PostgreSQL store, and opening from a connection string.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRecallTests(PostgresFixture fixture)
{
    private static readonly TenantId s_tenant = new("tenant-a");
    private static readonly DateTimeOffset s_t0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Recall_finds_by_words_and_by_vectors_and_puts_the_current_fact_first()
    {
        await using PostgresMemoryStore store = await PostgresMemoryStore.OpenAsync(await fixture.CreateSchemaAsync());
        using var embeddings = new HashedNgramEmbeddingGenerator();
        var alice = new MemoryScope(s_tenant, "alice", null, "s1");
        string[] texts = ["We planned the quarterly budget review", "I adopted a cat named Miso", "The weather was rainy all week"];
        await store.AddAsync(
            s_tenant,
            [.. texts.Select((t, i) => new NewMemoryItem(alice, MemoryKind.Episode, t, s_t0.AddMinutes(i)) { Vector = embeddings.Embed(t) })],
            "turn");
        MemoryItem old = (await store.AddAsync(
            s_tenant, [new NewMemoryItem(alice, MemoryKind.Fact, "Alice lives in Lisbon", s_t0) { Subject = "location.home", Vector = embeddings.Embed("Alice lives in Lisbon") }],
            "extract"))[0];
        await store.SupersedeAsync(
            s_tenant,
            old.Id,
            new NewMemoryItem(alice, MemoryKind.Fact, "Alice lives in Porto", s_t0.AddDays(9)) { Subject = "location.home", Vector = embeddings.Embed("Alice lives in Porto") },
            MemoryHistoryAction.Invalidated,
            "moved");
        var retriever = new MemoryRetriever(store, embeddings);

        RecallResult budget = await retriever.RecallAsync(s_tenant, new RecallRequest("alice", "budget planning"));
        RecallResult home = await retriever.RecallAsync(s_tenant, new RecallRequest("alice", "where does Alice live?"));
        await retriever.FlushAccessesAsync();

        Assert.Equal("We planned the quarterly budget review", budget.Hits[0].Item.Text);
        Assert.NotNull(budget.Hits[0].TextRank);
        Assert.NotNull(budget.Hits[0].VectorRank);
        Assert.Equal("Alice lives in Porto", home.Hits[0].Item.Text);
        Assert.Contains(home.Hits, h => h.Item.Text == "Alice lives in Lisbon" && h.Superseded);
        string id = budget.Hits[0].Item.Id;
        int returned = (budget.Hits.Any(h => h.Item.Id == id) ? 1 : 0) + (home.Hits.Any(h => h.Item.Id == id) ? 1 : 0);
        Assert.Equal(returned, (await store.GetAsync(s_tenant, id))!.AccessCount);
    }

    [Fact]
    public async Task Opening_rejects_a_missing_connection_string_and_migrating_twice_is_harmless()
    {
        await Assert.ThrowsAsync<MyelinValidationException>(() => PostgresMemoryStore.OpenAsync(" "));
        string connectionString = await fixture.CreateSchemaAsync();
        await using PostgresMemoryStore first = await PostgresMemoryStore.OpenAsync(connectionString);
        await using PostgresMemoryStore second = await PostgresMemoryStore.OpenAsync(connectionString);
        await second.MigrateAsync();

        await first.AddAsync(s_tenant, [new NewMemoryItem(new MemoryScope(s_tenant, "bob"), MemoryKind.Fact, "Bob plays chess", s_t0)], "x");

        Assert.Single(await second.ListAsync(s_tenant, new MemoryFilter { UserId = "bob" }));
    }
}
