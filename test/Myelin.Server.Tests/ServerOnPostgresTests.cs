using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Myelin.TestUtilities;

namespace Myelin.Server;

/// <summary>The same server on PostgreSQL (<c>--postgres</c>): log, keys and isolation behave as on SQLite.</summary>
public sealed class ServerOnPostgresTests : IAsyncLifetime
{
    private PostgresCluster _cluster = null!;
    private ServerHarness _server = null!;

    public async Task InitializeAsync()
    {
        _cluster = await PostgresCluster.StartAsync();
        _server = await ServerHarness.StartAsync(o => o.PostgresConnectionString = _cluster.ConnectionString());
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Log_keys_and_tenants_work_over_postgres()
    {
        HttpClient admin = _server.Client();
        using (JsonDocument status = JsonDocument.Parse(await admin.GetStringAsync("/api/status")))
        {
            Assert.Equal("postgres", status.RootElement.GetProperty("storage").GetString());
            Assert.DoesNotContain("password", status.RootElement.GetProperty("location").GetString()!, StringComparison.OrdinalIgnoreCase);
        }

        (string reader, string writer, _) = await _server.CreateTenantAsync("pg-tenant");
        using var body = new StringContent("""[{"kind":"turn","idempotencyKey":"k1","payload":{"x":1}},{"kind":"turn","payload":{"x":2}}]""", Encoding.UTF8, "application/json");
        HttpResponseMessage appended = await _server.Client(writer).PostAsync("/api/log", body);
        Assert.Equal(HttpStatusCode.OK, appended.StatusCode);

        using JsonDocument page = JsonDocument.Parse(await _server.Client(reader).GetStringAsync("/api/log?kind=turn"));
        long[] offsets = [.. page.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("offset").GetInt64())];
        Assert.Equal(2, offsets.Length);
        Assert.Equal(offsets[0] + 1, offsets[1]);

        // The default tenant sees none of them.
        using JsonDocument other = JsonDocument.Parse(await admin.GetStringAsync("/api/log?kind=turn"));
        Assert.Equal(0, other.RootElement.GetProperty("records").GetArrayLength());
        await ProblemAssert.IsProblemAsync(
            await _server.Client(reader).PostAsJsonAsync("/api/keys", new { name = "x", role = "reader" }), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Memories_are_stored_in_postgres_and_recalled_per_tenant()
    {
        (string reader, string writer, _) = await _server.CreateTenantAsync("pg-memory");
        (string otherReader, _, _) = await _server.CreateTenantAsync("pg-memory-other");
        HttpResponseMessage stored = await _server.Client(writer).PostAsJsonAsync("/api/memory/turns", new
        {
            turns = new[] { new { userId = "ana", role = "user", text = "My favorite color is vermilion." } },
        });
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);

        using JsonDocument recall = JsonDocument.Parse(await (await _server.Client(reader).PostAsJsonAsync(
            "/api/memory/recall", new { userId = "ana", query = "vermilion" })).Content.ReadAsStringAsync());
        using JsonDocument other = JsonDocument.Parse(await (await _server.Client(otherReader).PostAsJsonAsync(
            "/api/memory/recall", new { userId = "ana", query = "vermilion" })).Content.ReadAsStringAsync());

        Assert.Contains("vermilion", recall.RootElement.GetProperty("hits")[0].GetProperty("item").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, other.RootElement.GetProperty("hits").GetArrayLength());
        Assert.Empty(Directory.GetFiles(_server.DataDirectory, "memory.db*"));
        await using var data = Npgsql.NpgsqlDataSource.Create(_cluster.ConnectionString());
        await using Npgsql.NpgsqlCommand count = data.CreateCommand("SELECT COUNT(*) FROM memory_items WHERE tenant = 'pg-memory' AND kind = 0");
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }
}
