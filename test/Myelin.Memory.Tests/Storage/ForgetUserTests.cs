using System.Text;
using Microsoft.Data.Sqlite;
using Myelin.Memory.Retrieval;

namespace Myelin.Memory.Storage;

/// <summary>Forgetting a user removes every trace from the memory store's files; an audit row remains.</summary>
public sealed class ForgetUserTests
{
    private const string User = "zora-8841";
    private static readonly string[] s_secrets = ["Zanzibarite", "zanzibarit", "Quetzalpolis", "quetzalpoli", User, "Zora"];

    [Fact]
    public async Task Forgetting_a_user_leaves_nothing_of_them_in_the_store_files()
    {
        await using IngestHarness h = await IngestHarness.StartAsync(new ScriptedExtractor());
        for (int i = 0; i < 30; i++)
        {
            await h.RememberAsync(
                TestStore.TenantA,
                IngestHarness.Turn(User, $"I collect Zanzibarite stones, number {i}. I live in Quetzalpolis.", TestStore.T0.AddDays(i)),
                IngestHarness.Turn("bob", $"Bob here, turn {i}: I live in Oslo and I like chess.", TestStore.T0.AddDays(i)));
        }

        var retriever = new MemoryRetriever(h.Store, h.Embeddings);
        Assert.NotEmpty((await retriever.RecallAsync(TestStore.TenantA, new RecallRequest(User, "Zanzibarite stones"))).Hits);
        Assert.NotEmpty(await h.Store.ListQuarantineAsync(TestStore.TenantA, User, 10));
        Assert.True(ContainsAny(h.Directory), "the secrets must be in the files before forgetting");

        ForgetResult result = await h.Store.ForgetUserAsync(
            TestStore.TenantA, User, TestStore.T0.AddYears(1), await h.Storage.Log.GetHeadOffsetAsync(TestStore.TenantA));
        retriever.Forget(TestStore.TenantA, User);

        Assert.True(result.Items >= 31);
        Assert.True(result.HistoryEntries >= result.Items);
        Assert.True(result.QuarantinedOutputs >= 1);
        var filter = new MemoryFilter { UserId = User };
        Assert.Empty(await h.Store.ListAsync(TestStore.TenantA, filter));
        Assert.Empty(await h.Store.SearchTextAsync(TestStore.TenantA, filter, ["zanzibarit"], 10));
        Assert.Empty(await h.Store.ReadVectorsAsync(TestStore.TenantA, User, 0));
        Assert.Empty(await h.Store.ListQuarantineAsync(TestStore.TenantA, User, 10));
        Assert.Empty((await retriever.RecallAsync(TestStore.TenantA, new RecallRequest(User, "Zanzibarite stones"))).Hits);
        Assert.Equal(30, (await h.Store.ListAsync(TestStore.TenantA, new MemoryFilter { UserId = "bob", Limit = 1000 }))
            .Count(i => i.Kind == MemoryKind.Episode));
        Assert.NotEmpty(await h.Store.SearchTextAsync(TestStore.TenantA, new MemoryFilter { UserId = "bob" }, ["chess"], 10));

        string[] memoryFiles = [.. Directory.GetFiles(h.Directory, "memory.db*")];
        Assert.False(ContainsAny(memoryFiles), "a forgotten user's text, terms or id remain in " + string.Join(", ", memoryFiles));
        await using var audit = new SqliteConnection($"Data Source={Path.Combine(h.Directory, SqliteMemoryStore.FileName)};Mode=ReadOnly;Pooling=false");
        await audit.OpenAsync();
        await using SqliteCommand select = audit.CreateCommand();
        select.CommandText = "SELECT action, subject_hash FROM audit WHERE id = $id";
        select.Parameters.AddWithValue("$id", result.AuditId);
        await using SqliteDataReader row = await select.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal("forget_user", row.GetString(0));
        Assert.Equal(64, row.GetString(1).Length);
    }

    private static bool ContainsAny(string directory) => ContainsAny(Directory.GetFiles(directory, "memory.db*"));

    private static bool ContainsAny(string[] files)
    {
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            foreach (string secret in s_secrets)
            {
                if (bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Extracts with the patterns and, for the forgotten user, also quarantines an output that names them.</summary>
    private sealed class ScriptedExtractor : Extraction.IMemoryExtractor
    {
        private readonly Extraction.PatternExtractor _patterns = new();

        public string Name => "scripted";

        public async Task<Extraction.ExtractionOutcome> ExtractAsync(Extraction.ExtractionRequest request, CancellationToken cancellationToken = default)
        {
            Extraction.ExtractionOutcome outcome = await _patterns.ExtractAsync(request, cancellationToken);
            QuarantinedOutput? bad = request.Scope.UserId == User
                ? new QuarantinedOutput(User, TestStore.T0, Name, 3, "bad", "{\"text\": \"Zora collects Zanzibarite\"", [request.Turns[0].Offset])
                : null;
            return outcome with { Quarantined = bad };
        }
    }
}
