using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Myelin.Server;

public sealed class MemoryApiTests : IAsyncLifetime
{
    private ServerHarness _server = null!;

    public async Task InitializeAsync() => _server = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Remember_recall_list_history_and_forget_a_user()
    {
        (string reader, string writer, string admin) = await _server.CreateTenantAsync("mem-main");
        HttpClient w = _server.Client(writer);
        HttpClient r = _server.Client(reader);

        HttpResponseMessage remembered = await w.PostAsJsonAsync("/api/memory/turns", new
        {
            turns = new object[]
            {
                new { userId = "ana", role = "user", speaker = "Ana", sessionId = "s1", text = "I live in Lisbon and I love fado.", timestamp = "2025-01-10T10:00:00Z" },
                new { userId = "ana", role = "assistant", sessionId = "s1", text = "Lisbon is lovely.", timestamp = "2025-01-10T10:00:05Z" },
            },
        });
        Assert.Equal(HttpStatusCode.OK, remembered.StatusCode);
        JsonElement turns = (await BodyAsync(remembered)).GetProperty("turns");
        Assert.Equal(2, turns.GetArrayLength());
        Assert.StartsWith("mem_", turns[0].GetProperty("episodeId").GetString(), StringComparison.Ordinal);
        await w.PostAsJsonAsync("/api/memory/turns", new
        {
            turns = new[] { new { userId = "ana", role = "user", speaker = "Ana", sessionId = "s2", text = "Big news: I moved to Porto.", timestamp = "2025-03-01T09:00:00Z" } },
        });

        JsonElement recall = await WaitForAsync(r, "Where does Ana live?", hits => hits.EnumerateArray().Any(h => h.GetProperty("item").GetProperty("kind").GetString() == "fact"
            && h.GetProperty("item").GetProperty("text").GetString()!.Contains("Porto", StringComparison.Ordinal)));
        JsonElement hits = recall.GetProperty("hits");
        Assert.Contains("Porto", hits[0].GetProperty("item").GetProperty("text").GetString(), StringComparison.Ordinal);
        JsonElement oldFact = hits.EnumerateArray().First(h => h.GetProperty("item").GetProperty("kind").GetString() == "fact"
            && h.GetProperty("item").GetProperty("text").GetString()!.Contains("Lisbon", StringComparison.Ordinal));
        Assert.True(oldFact.GetProperty("superseded").GetBoolean());

        JsonElement facts = await GetAsync(r, "/api/memory/users/ana/items?kind=fact");
        Assert.Equal(2, facts.GetProperty("items").EnumerateArray().Count(i => i.GetProperty("subject").GetString() == "location.home"));
        JsonElement asOf = await GetAsync(r, "/api/memory/users/ana/items?kind=fact&validAt=2025-02-01T00:00:00Z");
        Assert.Contains(asOf.GetProperty("items").EnumerateArray(), i => i.GetProperty("value").GetString() == "Lisbon");
        Assert.DoesNotContain(asOf.GetProperty("items").EnumerateArray(), i => i.GetProperty("value").GetString() == "Porto");

        string oldId = oldFact.GetProperty("item").GetProperty("id").GetString()!;
        JsonElement history = await GetAsync(r, $"/api/memory/items/{oldId}");
        Assert.Equal(["added", "invalidated"], history.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()));

        await ProblemAssert.IsProblemAsync(await _server.Client(writer).DeleteAsync("/api/memory/users/ana"), HttpStatusCode.Forbidden, "forbidden");
        HttpResponseMessage forgot = await _server.Client(admin).DeleteAsync("/api/memory/users/ana");
        Assert.Equal(HttpStatusCode.OK, forgot.StatusCode);
        Assert.True((await BodyAsync(forgot)).GetProperty("items").GetInt64() >= 5);
        Assert.Empty((await GetAsync(r, "/api/memory/users/ana/items")).GetProperty("items").EnumerateArray());
        Assert.Empty((await PostRecallAsync(r, "Where does Ana live?")).GetProperty("hits").EnumerateArray());
        JsonElement log = await GetAsync(r, "/api/log?kind=audit");
        Assert.Contains(log.GetProperty("records").EnumerateArray(), rec => rec.GetProperty("payload").GetProperty("action").GetString() == "memory.forget_user");
        Assert.DoesNotContain("\"ana\"", log.ToString(), StringComparison.Ordinal);

        // The turns left the experience log too (records stay, content goes), and no file of the server holds them.
        Assert.Equal(3, (await BodyAsync(forgot)).GetProperty("logRecordsRedacted").GetInt64());
        JsonElement turnRecords = (await GetAsync(r, "/api/log?kind=turn")).GetProperty("records");
        Assert.Equal(3, turnRecords.GetArrayLength());
        Assert.All(turnRecords.EnumerateArray(), rec => Assert.True(rec.GetProperty("payload").GetProperty("redacted").GetBoolean()));
        Assert.Empty(FilesContaining(_server.DataDirectory, "fado"));
    }

    private static List<string> FilesContaining(string directory, string text)
    {
        byte[] needle = Encoding.UTF8.GetBytes(text);
        var found = new List<string>();
        foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            if (buffer.GetBuffer().AsSpan(0, (int)buffer.Length).IndexOf(needle) >= 0)
            {
                found.Add(file);
            }
        }

        return found;
    }

    [Fact]
    public async Task Tenants_never_see_each_others_memories_even_with_the_same_user_id()
    {
        (string readerA, string writerA, _) = await _server.CreateTenantAsync("mem-a");
        (string readerB, _, _) = await _server.CreateTenantAsync("mem-b");
        HttpResponseMessage stored = await _server.Client(writerA).PostAsJsonAsync("/api/memory/turns", new
        {
            turns = new[] { new { userId = "shared-user", role = "user", text = "My favorite color is vermilion." } },
        });
        string id = (await BodyAsync(stored)).GetProperty("turns")[0].GetProperty("episodeId").GetString()!;

        Assert.NotEmpty((await PostRecallAsync(_server.Client(readerA), "vermilion", "shared-user")).GetProperty("hits").EnumerateArray());
        Assert.Empty((await PostRecallAsync(_server.Client(readerB), "vermilion", "shared-user")).GetProperty("hits").EnumerateArray());
        Assert.Empty((await GetAsync(_server.Client(readerB), "/api/memory/users/shared-user/items")).GetProperty("items").EnumerateArray());
        await ProblemAssert.IsProblemAsync(await _server.Client(readerB).GetAsync($"/api/memory/items/{id}"), HttpStatusCode.NotFound, "memory_not_found");
    }

    [Fact]
    public async Task Bad_input_is_a_problem_and_readers_cannot_write()
    {
        (string reader, string writer, _) = await _server.CreateTenantAsync("mem-bad");

        await ProblemAssert.IsProblemAsync(
            await _server.Client(writer).PostAsJsonAsync("/api/memory/turns", new { turns = new[] { new { userId = "u", role = "robot", text = "x" } } }),
            HttpStatusCode.BadRequest, "invalid_turn_role");
        await ProblemAssert.IsProblemAsync(
            await _server.Client(writer).PostAsync("/api/memory/turns", new StringContent("{}", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "invalid_turn_batch");
        await ProblemAssert.IsProblemAsync(
            await _server.Client(reader).PostAsJsonAsync("/api/memory/recall", new { userId = "u", query = "x", kinds = new[] { "gossip" } }),
            HttpStatusCode.BadRequest, "invalid_memory_kind");
        await ProblemAssert.IsProblemAsync(
            await _server.Client(reader).PostAsJsonAsync("/api/memory/turns", new { turns = new[] { new { userId = "u", role = "user", text = "x" } } }),
            HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Context_assembles_memories_summary_and_turns_within_the_budget_and_reports_drops()
    {
        (string reader, string writer, _) = await _server.CreateTenantAsync("mem-context");
        HttpClient r = _server.Client(reader);
        await _server.Client(writer).PostAsJsonAsync("/api/memory/turns", new
        {
            turns = new[]
            {
                new { userId = "ivo", role = "user", text = "I am allergic to peanuts.", timestamp = "2025-01-10T10:00:00Z" },
                new { userId = "ivo", role = "user", text = "What can I cook tonight?", timestamp = "2025-01-11T10:00:00Z" },
            },
        });

        HttpResponseMessage response = await r.PostAsJsonAsync("/api/memory/context", new
        {
            userId = "ivo",
            query = "What can I cook tonight, given my peanuts allergy?",
            systemPrompt = "You are a cook.",
            tokenBudget = 600,
            reserveForAnswer = 100,
            recentTurns = new[] { new { role = "assistant", text = "Hello again, Ivo." } },
            olderTurns = new[]
            {
                new { role = "user", text = "My sister Mia visits on 3 March and she is vegan." },
                new { role = "assistant", text = "Noted." },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement body = await BodyAsync(response);
        string[] roles = [.. body.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()!)];
        string[] texts = [.. body.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()!)];
        Assert.Equal(["system", "system", "system", "assistant", "user"], roles);
        Assert.Contains("allergic to peanuts", texts[1], StringComparison.Ordinal);
        Assert.Contains("3 March", texts[2], StringComparison.Ordinal);
        JsonElement report = body.GetProperty("report");
        Assert.True(report.GetProperty("tokens").GetProperty("total").GetInt32() <= 500);
        Assert.Equal("extractive", report.GetProperty("summaryMethod").GetString());
        Assert.Contains(
            report.GetProperty("dropped").EnumerateArray(),
            d => d.GetProperty("reason").GetString() == "duplicate_of_recent_turn" && d.GetProperty("section").GetString() == "memories");

        JsonElement users = await GetAsync(r, "/api/memory/users");
        Assert.Equal(["ivo"], users.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("userId").GetString()));

        await ProblemAssert.IsProblemAsync(
            await r.PostAsJsonAsync("/api/memory/context", new { userId = "ivo", query = "hi", systemPrompt = new string('x', 4000), tokenBudget = 600, reserveForAnswer = 100 }),
            HttpStatusCode.BadRequest, "context_budget_too_small");
        await ProblemAssert.IsProblemAsync(
            await r.PostAsJsonAsync("/api/memory/context", new { userId = "ivo", query = "hi" }),
            HttpStatusCode.BadRequest, "invalid_token_budget");
        await ProblemAssert.IsProblemAsync(
            await r.PostAsJsonAsync("/api/memory/context", new { userId = "ivo", query = "hi", tokenBudget = 900, recentTurns = new[] { new { role = "robot", text = "x" } } }),
            HttpStatusCode.BadRequest, "invalid_context");
        await ProblemAssert.IsProblemAsync(await r.GetAsync("/api/memory/users/ivo/items?state=old"), HttpStatusCode.BadRequest, "invalid_memory_state");
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string query, Func<JsonElement, bool> done)
    {
        // Extraction runs in the background after the turns are acknowledged.
        for (int i = 0; ; i++)
        {
            JsonElement recall = await PostRecallAsync(client, query);
            if (done(recall.GetProperty("hits")) || i == 200)
            {
                return recall;
            }

            await Task.Delay(25);
        }
    }

    private static async Task<JsonElement> PostRecallAsync(HttpClient client, string query, string user = "ana")
    {
        HttpResponseMessage response = await client.PostAsJsonAsync("/api/memory/recall", new { userId = user, query });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await BodyAsync(response);
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        HttpResponseMessage response = await client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await BodyAsync(response);
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        using JsonDocument doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }
}
