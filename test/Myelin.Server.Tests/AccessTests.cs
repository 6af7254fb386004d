using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Myelin.Server;

public sealed class AccessTests : IAsyncLifetime
{
    private ServerHarness _server = null!;

    public async Task InitializeAsync() => _server = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Roles_limit_what_a_key_may_do()
    {
        (string reader, string writer, string admin) = await _server.CreateTenantAsync("acme");
        StringContent Record() => new("""[{"kind":"turn","payload":1}]""", Encoding.UTF8, "application/json");

        Assert.Equal(HttpStatusCode.OK, (await _server.Client(reader).GetAsync("/api/log")).StatusCode);
        await ProblemAssert.IsProblemAsync(await _server.Client(reader).PostAsync("/api/log", Record()), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.OK, (await _server.Client(writer).PostAsync("/api/log", Record())).StatusCode);
        await ProblemAssert.IsProblemAsync(
            await _server.Client(writer).PostAsJsonAsync("/api/keys", new { name = "x", role = "reader" }), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.Created, (await _server.Client(admin).PostAsJsonAsync("/api/keys", new { name = "x", role = "reader" })).StatusCode);

        // A tenant admin is not the operator: no tenant creation, no keys in other tenants.
        await ProblemAssert.IsProblemAsync(
            await _server.Client(admin).PostAsJsonAsync("/api/tenants", new { id = "evil" }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(
            await _server.Client(admin).PostAsJsonAsync("/api/keys", new { name = "x", role = "admin", tenant = "default" }),
            HttpStatusCode.Forbidden,
            "forbidden");
    }

    [Fact]
    public async Task Created_key_secret_is_shown_once_and_revocation_takes_effect()
    {
        HttpClient admin = _server.Client();
        HttpResponseMessage created = await admin.PostAsJsonAsync("/api/keys", new { name = "ingest", role = "writer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using JsonDocument doc = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        string secret = doc.RootElement.GetProperty("secret").GetString()!;
        string keyId = doc.RootElement.GetProperty("key").GetProperty("keyId").GetString()!;
        Assert.StartsWith("myl_", secret, StringComparison.Ordinal);

        string listing = await admin.GetStringAsync("/api/keys");
        Assert.Contains(keyId, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listing, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _server.Client(secret).GetAsync("/api/log")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{keyId}")).StatusCode);
        await ProblemAssert.IsProblemAsync(await _server.Client(secret).GetAsync("/api/log"), HttpStatusCode.Unauthorized, "invalid_api_key");
        await ProblemAssert.IsProblemAsync(await admin.DeleteAsync($"/api/keys/{keyId}"), HttpStatusCode.NotFound, "key_not_found");

        // Both actions left audit records in the tenant's log.
        string audit = await admin.GetStringAsync("/api/log?kind=audit");
        Assert.Contains("key.create", audit, StringComparison.Ordinal);
        Assert.Contains("key.revoke", audit, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"name\":\"x\",\"role\":\"god\"}", HttpStatusCode.BadRequest, "invalid_role")]
    [InlineData("{\"name\":\"x\",\"role\":\"reader\",\"tenant\":\"Not Valid\"}", HttpStatusCode.BadRequest, "invalid_tenant")]
    [InlineData("{\"name\":\"x\",\"role\":\"reader\",\"tenant\":\"ghost\"}", HttpStatusCode.NotFound, "tenant_not_found")]
    [InlineData("{\"name\":\"\",\"role\":\"reader\"}", HttpStatusCode.BadRequest, "invalid_name")]
    public async Task Bad_key_requests_get_specific_problems(string body, HttpStatusCode status, string code)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        await ProblemAssert.IsProblemAsync(await _server.Client().PostAsync("/api/keys", content), status, code);
    }

    [Fact]
    public async Task Duplicate_tenant_is_a_conflict()
    {
        await _server.CreateTenantAsync("twice");
        await ProblemAssert.IsProblemAsync(
            await _server.Client().PostAsJsonAsync("/api/tenants", new { id = "twice" }), HttpStatusCode.Conflict, "tenant_exists");
    }

    [Fact]
    public async Task Health_ready_status_and_openapi_answer()
    {
        HttpClient anonymous = _server.Client(key: null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/ready")).StatusCode);
        string openApi = await anonymous.GetStringAsync("/openapi/v1.json");
        using JsonDocument doc = JsonDocument.Parse(openApi);
        JsonElement paths = doc.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/log", out JsonElement log));
        Assert.True(log.TryGetProperty("post", out _));
        Assert.True(log.TryGetProperty("get", out _));
        Assert.True(paths.TryGetProperty("/api/keys", out _));

        using JsonDocument status = JsonDocument.Parse(await _server.Client().GetStringAsync("/api/status"));
        Assert.Equal("sqlite", status.RootElement.GetProperty("storage").GetString());
        Assert.Equal("default", status.RootElement.GetProperty("tenant").GetString());
    }
}
