using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Myelin.Server;

public sealed class DatasetsApiTests : IAsyncLifetime
{
    private const string TraceId = "cccccccccccccccccccccccccccccc03";

    private ServerHarness _server = null!;

    public async Task InitializeAsync() => _server = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Versions_are_added_from_items_jsonl_and_csv_then_listed_read_exported_and_diffed()
    {
        (string reader, string writer, _) = await _server.CreateTenantAsync("ds-main");
        HttpClient w = _server.Client(writer);
        HttpClient r = _server.Client(reader);
        HttpResponseMessage created = await w.PostAsJsonAsync("/api/datasets", new { name = "qa", description = "golden" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        HttpResponseMessage first = await w.PostAsync("/api/datasets/qa/versions", Json("""{"items": [{"id": "1", "input": "2+2?", "expectedOutput": "4"}]}"""));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        JsonElement v1 = await BodyAsync(first);
        string v1Id = v1.GetProperty("version").GetProperty("id").GetString()!;
        Assert.Equal(1, v1.GetProperty("version").GetProperty("number").GetInt32());

        // Identical content is the identical version: 200, same id, no new number.
        HttpResponseMessage same = await w.PostAsync("/api/datasets/qa/versions", new StringContent("{\"id\":\"1\",\"input\":\"2+2?\",\"expectedOutput\":\"4\"}\n", Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(v1Id, (await BodyAsync(same)).GetProperty("version").GetProperty("id").GetString());

        HttpResponseMessage csv = await w.PostAsync("/api/datasets/qa/versions?base=v1", new StringContent("id,input,expected_output,topic\r\n2,\"Capital of France, please\",Paris,geo\r\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Created, csv.StatusCode);
        Assert.Equal(2, (await BodyAsync(csv)).GetProperty("version").GetProperty("itemCount").GetInt32());

        JsonElement list = await GetAsync(r, "/api/datasets");
        JsonElement qa = Assert.Single(list.EnumerateArray());
        Assert.Equal(2, qa.GetProperty("versionCount").GetInt32());
        Assert.Equal(2, qa.GetProperty("latestVersion").GetProperty("number").GetInt32());
        Assert.Equal(2, (await GetAsync(r, "/api/datasets/qa")).GetProperty("versions").GetArrayLength());

        JsonElement items = await GetAsync(r, "/api/datasets/qa/versions/latest");
        Assert.Equal(["1", "2"], items.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Equal("geo", items.GetProperty("items")[1].GetProperty("metadata").GetProperty("topic").GetString());

        HttpResponseMessage export = await r.GetAsync("/api/datasets/qa/versions/v2/export?format=csv");
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal("id,input,expected_output,context,topic\r\n1,2+2?,4,,\r\n2,\"Capital of France, please\",Paris,,geo\r\n", await export.Content.ReadAsStringAsync());
        string jsonl = await (await r.GetAsync($"/api/datasets/qa/versions/{v1Id}/export")).Content.ReadAsStringAsync();
        Assert.Equal("{\"id\":\"1\",\"input\":\"2\\u002B2?\",\"expectedOutput\":\"4\",\"context\":[],\"metadata\":{}}\n", jsonl);

        JsonElement diff = await GetAsync(r, "/api/datasets/qa/diff?from=v1&to=latest");
        Assert.Equal(["2"], diff.GetProperty("added").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(1, diff.GetProperty("unchanged").GetInt32());
        Assert.Empty(diff.GetProperty("removed").EnumerateArray());
    }

    [Fact]
    public async Task A_trace_becomes_an_item()
    {
        (string reader, string writer, _) = await _server.CreateTenantAsync("ds-traces");
        HttpClient w = _server.Client(writer);
        (await w.PostAsJsonAsync("/api/datasets", new { name = "from-prod" })).EnsureSuccessStatusCode();
        string input = JsonSerializer.Serialize("""[{"role":"user","parts":[{"type":"text","content":"Largest planet?"}]}]""");
        string output = JsonSerializer.Serialize("""[{"role":"assistant","parts":[{"type":"text","content":"Jupiter."}]}]""");
        string span = "{\"traceId\": \"" + TraceId + "\", \"spanId\": \"0000000000000001\", \"name\": \"chat m\", \"kind\": 3, \"startTimeUnixNano\": \"1700000000000000000\", \"endTimeUnixNano\": \"1700000001000000000\", \"attributes\": ["
            + "{\"key\": \"gen_ai.input.messages\", \"value\": {\"stringValue\": " + input + "}}, {\"key\": \"gen_ai.output.messages\", \"value\": {\"stringValue\": " + output + "}}]}";
        (await w.PostAsync("/v1/traces", Json("{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [" + span + "]}]}]}"))).EnsureSuccessStatusCode();

        HttpResponseMessage added = await w.PostAsync("/api/datasets/from-prod/versions", Json("{\"traceIds\": [\"" + TraceId.ToUpperInvariant() + "\"]}"));
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        JsonElement item = (await GetAsync(_server.Client(reader), "/api/datasets/from-prod/versions/latest")).GetProperty("items")[0];
        Assert.Equal("Largest planet?", item.GetProperty("input").GetString());
        Assert.Equal("Jupiter.", item.GetProperty("expectedOutput").GetString());
        Assert.Equal(TraceId, item.GetProperty("metadata").GetProperty("traceId").GetString());

        await ProblemAssert.IsProblemAsync(
            await w.PostAsync("/api/datasets/from-prod/versions", Json("{\"traceIds\": [\"dddddddddddddddddddddddddddddd04\"]}")), HttpStatusCode.NotFound, "trace_not_found");
    }

    [Fact]
    public async Task Bad_input_gets_specific_problems_and_writes_nothing()
    {
        (string reader, string writer, _) = await _server.CreateTenantAsync("ds-bad");
        (string otherReader, _, _) = await _server.CreateTenantAsync("ds-other");
        HttpClient w = _server.Client(writer);
        (await w.PostAsJsonAsync("/api/datasets", new { name = "qa" })).EnsureSuccessStatusCode();

        string detail = await ProblemAssert.IsProblemAsync(
            await w.PostAsync("/api/datasets/qa/versions", new StringContent("input,expected_output\nq1,a1\n\"q2,a2\n", Encoding.UTF8, "text/csv")),
            HttpStatusCode.BadRequest, "invalid_dataset_file");
        Assert.Equal("CSV line 3, field 1: the quoted field is never closed.", detail);
        detail = await ProblemAssert.IsProblemAsync(
            await w.PostAsync("/api/datasets/qa/versions", new StringContent("{\"input\":\"ok\"}\n{\"input\":\"x\",\"context\":5}\n", Encoding.UTF8, "application/x-ndjson")),
            HttpStatusCode.BadRequest, "invalid_dataset_file");
        Assert.Equal("JSONL line 2, field 'context': must be a string or an array of strings, got number.", detail);
        detail = await ProblemAssert.IsProblemAsync(
            await w.PostAsync("/api/datasets/qa/versions", Json("{\"items\": [{\"input\": \"ok\"}, {\"input\": 1}]}")), HttpStatusCode.BadRequest, "invalid_dataset_file");
        Assert.StartsWith("items[1], field 'input'", detail, StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(
            await w.PostAsync("/api/datasets/qa/versions", new StringContent("x", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await ProblemAssert.IsProblemAsync(await w.PostAsync("/api/datasets/qa/versions", Json("{\"items\": []}")), HttpStatusCode.BadRequest, "empty_version");
        Assert.Equal(0, (await GetAsync(_server.Client(reader), "/api/datasets/qa")).GetProperty("versions").GetArrayLength());

        await ProblemAssert.IsProblemAsync(await w.PostAsJsonAsync("/api/datasets", new { name = "qa" }), HttpStatusCode.Conflict, "dataset_exists");
        await ProblemAssert.IsProblemAsync(await w.PostAsJsonAsync("/api/datasets", new { name = "Q A" }), HttpStatusCode.BadRequest, "invalid_dataset_name");
        await ProblemAssert.IsProblemAsync(await _server.Client(otherReader).GetAsync("/api/datasets/qa"), HttpStatusCode.NotFound, "dataset_not_found");
        await ProblemAssert.IsProblemAsync(await _server.Client(reader).GetAsync("/api/datasets/qa/versions/v1"), HttpStatusCode.NotFound, "version_not_found");
        await ProblemAssert.IsProblemAsync(await _server.Client(reader).GetAsync("/api/datasets/qa/diff?from=v1"), HttpStatusCode.BadRequest, "missing_versions");
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.Client(reader).PostAsJsonAsync("/api/datasets", new { name = "x" })).StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        using JsonDocument doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        HttpResponseMessage response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using JsonDocument doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }
}
