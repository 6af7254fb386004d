using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Myelin.Server;

/// <summary>The memory tools at <c>/mcp</c> driven by the SDK's MCP client over streamable HTTP, and the transport's edges raw.</summary>
public sealed class McpApiTests : IAsyncLifetime
{
    private ServerHarness _server = null!;

    public async Task InitializeAsync() => _server = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_mcp_client_lists_the_tools_and_remembers_recalls_and_forgets()
    {
        (string reader, string writer, string admin) = await _server.CreateTenantAsync("mcp-main");
        await using McpClient client = await ConnectAsync(writer, "2025-06-18");
        Assert.Equal("myelin", client.ServerInfo?.Name);

        IList<McpClientTool> tools = await client.ListToolsAsync();
        Assert.Equal(["forget", "recall", "remember"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (McpClientTool tool in tools)
        {
            Assert.False(string.IsNullOrWhiteSpace(tool.Description));
            Assert.Contains("userId", tool.JsonSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
            Assert.All(tool.JsonSchema.GetProperty("properties").EnumerateObject(), p => Assert.True(p.Value.TryGetProperty("description", out _), p.Name));
        }

        CallToolResult remembered = await client.CallToolAsync("remember", McpArguments.Parse("""
            {"userId": "ana", "sessionId": "s1", "turns": [
              {"role": "user", "speaker": "Ana", "text": "I live in Lisbon and I love fado.", "timestamp": "2025-01-10T10:00:00Z"},
              {"role": "assistant", "text": "Fado in Lisbon is wonderful.", "timestamp": "2025-01-10T10:00:05Z"}]}
            """));
        Assert.NotEqual(true, remembered.IsError);
        JsonElement turns = McpArguments.Structured(remembered).GetProperty("turns");
        Assert.Equal(2, turns.GetArrayLength());
        Assert.StartsWith("mem_", turns[0].GetProperty("episodeId").GetString(), StringComparison.Ordinal);

        CallToolResult recalled = await client.CallToolAsync("recall", McpArguments.Parse("""{"userId": "ana", "query": "fado", "limit": 5}"""));
        JsonElement hits = McpArguments.Structured(recalled).GetProperty("hits");
        Assert.NotEqual(0, hits.GetArrayLength());
        Assert.Contains("fado", hits[0].GetProperty("item").GetProperty("text").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(hits[0].GetProperty("score").GetDouble() > 0);
        using (JsonDocument text = JsonDocument.Parse(Assert.IsType<TextContentBlock>(Assert.Single(recalled.Content)).Text))
        {
            // The text block carries the same JSON for clients that ignore structured content.
            Assert.Equal(
                hits[0].GetProperty("item").GetProperty("id").GetString(),
                text.RootElement.GetProperty("hits")[0].GetProperty("item").GetProperty("id").GetString());
        }

        CallToolResult refused = await client.CallToolAsync("forget", McpArguments.Parse("""{"userId": "ana"}"""));
        Assert.True(refused.IsError);
        Assert.StartsWith("forbidden:", Assert.IsType<TextContentBlock>(Assert.Single(refused.Content)).Text, StringComparison.Ordinal);

        await using McpClient adminClient = await ConnectAsync(admin, "2025-06-18");
        CallToolResult forgot = await adminClient.CallToolAsync("forget", McpArguments.Parse("""{"userId": "ana"}"""));
        Assert.NotEqual(true, forgot.IsError);
        JsonElement summary = McpArguments.Structured(forgot);
        Assert.True(summary.GetProperty("items").GetInt64() >= 2);
        Assert.StartsWith("aud_", summary.GetProperty("auditId").GetString(), StringComparison.Ordinal);

        await using McpClient readerClient = await ConnectAsync(reader, "2025-06-18");
        CallToolResult after = await readerClient.CallToolAsync("recall", McpArguments.Parse("""{"userId": "ana", "query": "fado"}"""));
        Assert.Equal(0, McpArguments.Structured(after).GetProperty("hits").GetArrayLength());
    }

    [Fact]
    public async Task Recall_through_another_tenants_key_finds_nothing()
    {
        (_, string writerA, _) = await _server.CreateTenantAsync("mcp-a");
        (_, _, string adminB) = await _server.CreateTenantAsync("mcp-b");

        // No pinned version: the client probes the 2026-07-28 revision first and falls back to initialize on -32022.
        await using McpClient a = await ConnectAsync(writerA, protocolVersion: null);
        await a.CallToolAsync("remember", McpArguments.Parse("""{"userId": "shared-user", "turns": [{"role": "user", "text": "My favorite color is vermilion."}]}"""));
        Assert.NotEqual(0, McpArguments.Structured(
            await a.CallToolAsync("recall", McpArguments.Parse("""{"userId": "shared-user", "query": "vermilion"}"""))).GetProperty("hits").GetArrayLength());

        await using McpClient b = await ConnectAsync(adminB, protocolVersion: null);
        CallToolResult other = await b.CallToolAsync("recall", McpArguments.Parse("""{"userId": "shared-user", "query": "vermilion"}"""));
        Assert.Equal(0, McpArguments.Structured(other).GetProperty("hits").GetArrayLength());
    }

    [Fact]
    public async Task Bad_arguments_are_tool_errors_and_an_unknown_tool_is_a_protocol_error()
    {
        (_, string writer, _) = await _server.CreateTenantAsync("mcp-args");
        await using McpClient client = await ConnectAsync(writer, "2025-06-18");

        CallToolResult misspelt = await client.CallToolAsync("recall", McpArguments.Parse("""{"userId": "ana", "qeury": "fado"}"""));
        Assert.True(misspelt.IsError);
        Assert.StartsWith("invalid_arguments:", Assert.IsType<TextContentBlock>(Assert.Single(misspelt.Content)).Text, StringComparison.Ordinal);

        CallToolResult noTurns = await client.CallToolAsync("remember", McpArguments.Parse("""{"userId": "ana", "turns": []}"""));
        Assert.True(noTurns.IsError);

        CallToolResult badKind = await client.CallToolAsync("recall", McpArguments.Parse("""{"userId": "ana", "query": "x", "kinds": ["rumour"]}"""));
        Assert.True(badKind.IsError);
        Assert.StartsWith("invalid_memory_kind:", Assert.IsType<TextContentBlock>(Assert.Single(badKind.Content)).Text, StringComparison.Ordinal);

        McpProtocolException unknown = await Assert.ThrowsAsync<McpProtocolException>(
            async () => await client.CallToolAsync("teleport", McpArguments.Parse("{}")));
        Assert.Equal(McpErrorCode.InvalidParams, unknown.ErrorCode);
    }

    [Fact]
    public async Task A_wrong_key_is_401_for_raw_requests_and_for_the_client()
    {
        HttpResponseMessage response = await InitializeRawAsync(_server.Client("not-a-key"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_api_key");
        await ProblemAssert.IsProblemAsync(await InitializeRawAsync(_server.Client(null)), HttpStatusCode.Unauthorized, "missing_api_key");

        HttpRequestException failure = await Assert.ThrowsAsync<HttpRequestException>(async () => await ConnectAsync("not-a-key", "2025-06-18"));
        Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
    }

    [Fact]
    public async Task Sessions_belong_to_their_key_and_end_with_delete()
    {
        (string reader, string writer, _) = await _server.CreateTenantAsync("mcp-sessions");
        HttpClient owner = _server.Client(writer);
        HttpResponseMessage initialized = await InitializeRawAsync(owner);
        Assert.Equal(HttpStatusCode.OK, initialized.StatusCode);
        Assert.Equal("text/event-stream", initialized.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"protocolVersion\":\"2025-06-18\"", await initialized.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        string session = initialized.Headers.GetValues("Mcp-Session-Id").Single();

        HttpResponseMessage notified = await PostRawAsync(owner, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", session);
        Assert.Equal(HttpStatusCode.Accepted, notified.StatusCode);
        HttpResponseMessage listed = await PostRawAsync(owner, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", session);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains("\"remember\"", await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Another key of the same tenant cannot use (or end) the session.
        HttpClient other = _server.Client(reader);
        await AssertJsonRpcErrorAsync(await PostRawAsync(other, """{"jsonrpc":"2.0","id":3,"method":"tools/list"}""", session), HttpStatusCode.NotFound);
        await AssertJsonRpcErrorAsync(await DeleteRawAsync(other, session), HttpStatusCode.NotFound);

        HttpResponseMessage get = await owner.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/mcp") { Headers = { { "Accept", "text/event-stream" } } });
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await DeleteRawAsync(owner, session)).StatusCode);
        await AssertJsonRpcErrorAsync(await PostRawAsync(owner, """{"jsonrpc":"2.0","id":4,"method":"tools/list"}""", session), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Malformed_requests_get_json_rpc_errors_with_the_spec_statuses()
    {
        HttpClient client = _server.Client();
        await AssertJsonRpcErrorAsync(await PostRawAsync(client, "{not json"), HttpStatusCode.BadRequest, (int)McpErrorCode.ParseError);
        await AssertJsonRpcErrorAsync(
            await PostRawAsync(client, """[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]"""), HttpStatusCode.BadRequest, (int)McpErrorCode.ParseError);
        await AssertJsonRpcErrorAsync(
            await PostRawAsync(client, """{"jsonrpc":"2.0","id":1,"method":"tools/list"}"""), HttpStatusCode.BadRequest, (int)McpErrorCode.InvalidRequest);

        var jsonOnly = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(InitializeBody, Encoding.UTF8, "application/json") };
        jsonOnly.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        await AssertJsonRpcErrorAsync(await client.SendAsync(jsonOnly), HttpStatusCode.NotAcceptable);

        var future = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(InitializeBody, Encoding.UTF8, "application/json") };
        future.Headers.Add("Accept", "application/json, text/event-stream");
        future.Headers.Add("MCP-Protocol-Version", "2099-01-01");
        JsonElement error = await AssertJsonRpcErrorAsync(await client.SendAsync(future), HttpStatusCode.BadRequest, (int)McpErrorCode.UnsupportedProtocolVersion);
        Assert.Contains("2025-06-18", error.GetProperty("data").GetProperty("supported").EnumerateArray().Select(v => v.GetString()));
    }

    private const string InitializeBody = """
        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}
        """;

    private async Task<McpClient> ConnectAsync(string key, string? protocolVersion)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(_server.BaseAddress, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key },
        });
        return await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = protocolVersion });
    }

    private static Task<HttpResponseMessage> InitializeRawAsync(HttpClient client) => PostRawAsync(client, InitializeBody);

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string body, string? session = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Accept", "application/json, text/event-stream");
        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
            request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        }

        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> DeleteRawAsync(HttpClient client, string session) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/mcp") { Headers = { { "Mcp-Session-Id", session } } });

    private static async Task<JsonElement> AssertJsonRpcErrorAsync(HttpResponseMessage response, HttpStatusCode status, int? code = null)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument document = JsonDocument.Parse(body);
        Assert.Equal("2.0", document.RootElement.GetProperty("jsonrpc").GetString());
        JsonElement error = document.RootElement.GetProperty("error").Clone();
        if (code is not null)
        {
            Assert.Equal(code, error.GetProperty("code").GetInt32());
        }

        return error;
    }
}
