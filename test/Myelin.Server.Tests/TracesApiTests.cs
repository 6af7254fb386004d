using System.Net;
using System.Text;
using System.Text.Json;

namespace Myelin.Server;

/// <summary>The traces API over the SQLite trace index; <see cref="TracesApiOnPostgresTests"/> runs the same tests on PostgreSQL.</summary>
public class TracesApiTests : IAsyncLifetime
{
    private const string TraceA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1";
    private const string TraceB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2";

    private ServerHarness _server = null!;

    public async Task InitializeAsync() => _server = await StartServerAsync();

    public virtual async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>The server under test.</summary>
    protected ServerHarness Server => _server;

    /// <summary>Starts the server under test.</summary>
    protected virtual Task<ServerHarness> StartServerAsync() => ServerHarness.StartAsync();

    [Fact]
    public async Task Traces_are_listed_newest_first_with_filters_and_paging()
    {
        (string reader, string writer, _) = await _server.CreateTenantAsync("traces-list");
        await ExportAsync(writer);
        HttpClient client = _server.Client(reader);

        JsonElement all = await GetAsync(client, "/api/traces");
        JsonElement[] traces = [.. all.GetProperty("traces").EnumerateArray()];
        Assert.Equal([TraceB, TraceA], traces.Select(t => t.GetProperty("traceId").GetString()));
        JsonElement a = traces[1];
        Assert.Equal("invoke_agent planner", a.GetProperty("rootName").GetString());
        Assert.Equal(3, a.GetProperty("spanCount").GetInt64());
        Assert.Equal(1, a.GetProperty("errorCount").GetInt64());
        Assert.Equal("s-1", a.GetProperty("sessionId").GetString());
        Assert.Equal("alice", a.GetProperty("userId").GetString());
        Assert.Equal(["gpt-4o", "gpt-4o-2024"], a.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(150, a.GetProperty("inputTokens").GetInt64());
        Assert.Equal(0.5, a.GetProperty("costUsd").GetDouble(), 6);
        Assert.Equal(3000.0, a.GetProperty("durationMs").GetDouble());
        Assert.Equal("svc", a.GetProperty("serviceName").GetString());

        Assert.Equal(TraceA, Single(await GetAsync(client, "/api/traces?sessionId=s-1")));
        Assert.Equal(TraceB, Single(await GetAsync(client, "/api/traces?userId=bob")));
        Assert.Equal(TraceB, Single(await GetAsync(client, "/api/traces?model=llama-3")));
        Assert.Equal(TraceA, Single(await GetAsync(client, "/api/traces?to=2023-11-14T22:14:00Z")));
        Assert.Equal(TraceB, Single(await GetAsync(client, "/api/traces?from=2023-11-14T22:14:00Z")));

        JsonElement first = await GetAsync(client, "/api/traces?limit=1");
        Assert.Equal(TraceB, Single(first));
        string cursor = first.GetProperty("next").GetString()!;
        JsonElement second = await GetAsync(client, "/api/traces?limit=1&cursor=" + Uri.EscapeDataString(cursor));
        Assert.Equal(TraceA, Single(second));

        // Re-exporting (an exporter retry) and listing again changes nothing: the index is idempotent per span.
        await ExportAsync(writer);
        JsonElement again = await GetAsync(client, "/api/traces");
        Assert.Equal(3, again.GetProperty("traces")[1].GetProperty("spanCount").GetInt64());
    }

    [Fact]
    public async Task A_trace_comes_back_as_a_tree_with_attributes()
    {
        (string reader, string writer, _) = await _server.CreateTenantAsync("traces-tree");
        await ExportAsync(writer);

        JsonElement trace = await GetAsync(_server.Client(reader), $"/api/traces/{TraceA.ToUpperInvariant()}");
        Assert.Equal(TraceA, trace.GetProperty("traceId").GetString());
        JsonElement[] spans = [.. trace.GetProperty("spans").EnumerateArray()];
        Assert.Equal(["0000000000000001", "0000000000000002", "0000000000000003"], spans.Select(s => s.GetProperty("spanId").GetString()));
        Assert.Equal([0, 1, 2], spans.Select(s => s.GetProperty("depth").GetInt32()));
        Assert.Equal(["0000000000000002"], spans[0].GetProperty("children").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("chat gpt-4o", spans[1].GetProperty("span").GetProperty("name").GetString());
        Assert.Equal(100, spans[1].GetProperty("span").GetProperty("attributes").GetProperty("gen_ai.usage.input_tokens").GetInt64());
        Assert.False(trace.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task Traces_are_tenant_scoped_and_bad_requests_get_problems()
    {
        (_, string writer, _) = await _server.CreateTenantAsync("traces-owner");
        (string otherReader, _, _) = await _server.CreateTenantAsync("traces-other");
        await ExportAsync(writer);
        HttpClient other = _server.Client(otherReader);

        Assert.Empty((await GetAsync(other, "/api/traces")).GetProperty("traces").EnumerateArray());
        await ProblemAssert.IsProblemAsync(await other.GetAsync($"/api/traces/{TraceA}"), HttpStatusCode.NotFound, "trace_not_found");
        await ProblemAssert.IsProblemAsync(await other.GetAsync("/api/traces/xyz"), HttpStatusCode.BadRequest, "invalid_trace_id");
        await ProblemAssert.IsProblemAsync(await other.GetAsync("/api/traces?limit=0"), HttpStatusCode.BadRequest, "invalid_limit");
        await ProblemAssert.IsProblemAsync(await other.GetAsync("/api/traces?limit=abc"), HttpStatusCode.BadRequest, "invalid_limit");
        await ProblemAssert.IsProblemAsync(await other.GetAsync("/api/traces?cursor=nope"), HttpStatusCode.BadRequest, "invalid_cursor");
        await ProblemAssert.IsProblemAsync(await other.GetAsync("/api/traces?from=yesterday"), HttpStatusCode.BadRequest, "invalid_time");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.Client(null).GetAsync("/api/traces")).StatusCode);
    }

    private static string Single(JsonElement page) => Assert.Single(page.GetProperty("traces").EnumerateArray()).GetProperty("traceId").GetString()!;

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        HttpResponseMessage response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using JsonDocument doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    /// <summary>Exports two traces (A: three spans, B: one) over OTLP/JSON with <paramref name="writer"/>.</summary>
    protected async Task ExportAsync(string writer)
    {
        const long t0 = 1_700_000_000_000_000_000;
        const string AgentExtra = """{"key": "gen_ai.conversation.id", "value": {"stringValue": "s-1"}}, {"key": "user.id", "value": {"stringValue": "alice"}},""";
        const string ChatExtra = """{"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o"}}, {"key": "gen_ai.response.model", "value": {"stringValue": "gpt-4o-2024"}}, {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "100"}}, {"key": "myelin.cost.usd", "value": {"doubleValue": 0.5}},""";
        const string LlamaExtra = """{"key": "gen_ai.request.model", "value": {"stringValue": "llama-3"}}, {"key": "user.id", "value": {"stringValue": "bob"}},""";
        string[] spans =
        [
            Span(TraceA, "0000000000000003", "0000000000000002", "execute_tool search", t0 + 1_000_000_000, t0 + 2_000_000_000, "", 2),
            Span(TraceA, "0000000000000001", null, "invoke_agent planner", t0, t0 + 3_000_000_000, AgentExtra, 0),
            Span(TraceA, "0000000000000002", "0000000000000001", "chat gpt-4o", t0 + 500_000_000, t0 + 2_500_000_000, ChatExtra, 0),
            Span(TraceB, "0000000000000009", null, "chat llama-3", t0 + 100_000_000_000, t0 + 101_000_000_000, LlamaExtra, 0),
        ];
        string body = """{"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "svc"}}]}, "scopeSpans": [{"spans": ["""
            + string.Join(",", spans) + "]}]}]}";
        HttpResponseMessage response = await _server.Client(writer).PostAsync("/v1/traces", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());

        // The tool span carries input tokens too, so the summary sums across spans (100 + 50).
        static string Span(string trace, string id, string? parent, string name, long start, long end, string extra, int status)
        {
            int tokens = name.StartsWith("execute_tool", StringComparison.Ordinal) ? 50 : 0;
            return "{\"traceId\": \"" + trace + "\", \"spanId\": \"" + id + "\", \"parentSpanId\": \"" + (parent ?? "") + "\", \"name\": \"" + name
                + "\", \"kind\": 1, \"startTimeUnixNano\": \"" + start + "\", \"endTimeUnixNano\": \"" + end + "\", \"attributes\": [" + extra
                + " {\"key\": \"gen_ai.usage.input_tokens\", \"value\": {\"intValue\": \"" + tokens + "\"}}], \"status\": {\"code\": " + status + "}}";
        }
    }
}
