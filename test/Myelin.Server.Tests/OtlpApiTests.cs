using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Myelin.Server;

public sealed class OtlpApiTests : IAsyncLifetime
{
    private const string TraceHex = "5b8efff798038103d269b633813fc60c";
    private const string RootHex = "eee19b7ec3c1b174";
    private const string ChildHex = "eee19b7ec3c1b173";
    private const ulong StartNanos = 1_700_000_000_000_000_000;

    private ServerHarness _server = null!;

    public async Task InitializeAsync() => _server = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Protobuf_export_stores_spans_and_evaluations_and_reports_rejected_spans()
    {
        (_, string writer, string admin) = await _server.CreateTenantAsync("otlp-pb");
        HttpResponseMessage response = await _server.Client(writer).PostAsync("/v1/traces", Protobuf(ProtobufRequest(withInvalid: true)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        byte[] answer = await response.Content.ReadAsByteArrayAsync();

        // ExportTraceServiceResponse { partial_success (1) { rejected_spans (1) = 1, error_message (2) } }
        Assert.Equal(0x0A, answer[0]);
        Assert.Equal(0x08, answer[2]);
        Assert.Equal(1, answer[3]);
        Assert.Contains("traceId", Encoding.UTF8.GetString(answer), StringComparison.Ordinal);

        JsonElement[] spans = await LogAsync(admin, "span");
        Assert.Equal(2, spans.Length);
        JsonElement root = spans.Single(s => s.GetProperty("payload").GetProperty("spanId").GetString() == RootHex).GetProperty("payload");
        Assert.Equal("chat gpt-4o", root.GetProperty("name").GetString());
        Assert.Equal("client", root.GetProperty("kind").GetString());
        Assert.Equal("error", root.GetProperty("status").GetProperty("code").GetString());
        Assert.Equal("rate limited", root.GetProperty("status").GetProperty("message").GetString());
        JsonElement attributes = root.GetProperty("attributes");
        Assert.Equal("chat", attributes.GetProperty("gen_ai.operation.name").GetString());
        Assert.Equal(120, attributes.GetProperty("gen_ai.usage.input_tokens").GetInt64());
        Assert.Equal(0.5, attributes.GetProperty("gen_ai.request.temperature").GetDouble());
        Assert.True(attributes.GetProperty("stream").GetBoolean());
        Assert.Equal(["stop"], attributes.GetProperty("gen_ai.response.finish_reasons").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("billing", root.GetProperty("resource").GetProperty("service.name").GetString());
        Assert.Equal("opentelemetry-python", root.GetProperty("scope").GetProperty("name").GetString());
        Assert.Equal(1500.0, root.GetProperty("durationMs").GetDouble());
        Assert.Equal("conv-42", root.GetProperty("sessionId").GetString());
        JsonElement child = spans.Single(s => s.GetProperty("payload").GetProperty("spanId").GetString() == ChildHex).GetProperty("payload");
        Assert.Equal(RootHex, child.GetProperty("parentSpanId").GetString());

        JsonElement evaluation = Assert.Single(await LogAsync(admin, "evaluation"));
        Assert.Equal("conv-42", evaluation.GetProperty("sessionId").GetString());
        Assert.Equal("relevance", evaluation.GetProperty("payload").GetProperty("name").GetString());
        Assert.Equal(0.25, evaluation.GetProperty("payload").GetProperty("scoreValue").GetDouble());
    }

    [Fact]
    public async Task Json_export_is_accepted_with_an_empty_response_and_retries_are_stored_once()
    {
        (_, string writer, string admin) = await _server.CreateTenantAsync("otlp-json");
        HttpClient client = _server.Client(writer);
        for (int attempt = 0; attempt < 2; attempt++)
        {
            HttpResponseMessage response = await client.PostAsync("/v1/traces", JsonBody(JsonRequest));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("{}", await response.Content.ReadAsStringAsync());
        }

        JsonElement span = Assert.Single(await LogAsync(admin, "span")).GetProperty("payload");
        Assert.Equal("execute_tool search", span.GetProperty("name").GetString());
        Assert.Equal("internal", span.GetProperty("kind").GetString());
        Assert.Equal(7, span.GetProperty("attributes").GetProperty("retries").GetInt64());
        Assert.Equal("{\"a\":1}", span.GetProperty("attributes").GetProperty("map").GetString());
        Assert.Equal("u-1", span.GetProperty("userId").GetString());
    }

    [Fact]
    public async Task Json_partial_success_and_gzip_bodies()
    {
        (_, string writer, string admin) = await _server.CreateTenantAsync("otlp-gz");
        string body = JsonRequest.Replace("\"spans\": [", "\"spans\": [{\"traceId\": \"00\", \"spanId\": \"01\", \"name\": \"bad\"},", StringComparison.Ordinal);
        using var gz = new MemoryStream();
        await using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write(Encoding.UTF8.GetBytes(body));
        }

        var content = new ByteArrayContent(gz.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        HttpResponseMessage response = await _server.Client(writer).PostAsync("/v1/traces", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement partial = answer.RootElement.GetProperty("partialSuccess");
        Assert.Equal("1", partial.GetProperty("rejectedSpans").GetString());
        Assert.Contains("32 hex", partial.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Single(await LogAsync(admin, "span"));
    }

    [Fact]
    public async Task Garbage_gets_specific_problems_and_stores_nothing()
    {
        (_, string writer, string admin) = await _server.CreateTenantAsync("otlp-bad");
        HttpClient client = _server.Client(writer);

        await ProblemAssert.IsProblemAsync(await client.PostAsync("/v1/traces", Protobuf([0x0A, 0x05, 0x01])), HttpStatusCode.BadRequest, "invalid_protobuf");
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/v1/traces", Protobuf([0x0B, 0x00])), HttpStatusCode.BadRequest, "invalid_protobuf");
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/v1/traces", Protobuf([0x0A, 0x02, 0x0A, 0x80])), HttpStatusCode.BadRequest, "invalid_protobuf");
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/v1/traces", JsonBody("{\"resourceSpans\": [")), HttpStatusCode.BadRequest, "invalid_json");
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/v1/traces", JsonBody("{\"resourceSpans\": {}}")), HttpStatusCode.BadRequest, "invalid_otlp");
        await ProblemAssert.IsProblemAsync(
            await client.PostAsync("/v1/traces", new StringContent("spans", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        var deflate = new ByteArrayContent([1, 2, 3]);
        deflate.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        deflate.Headers.ContentEncoding.Add("br");
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/v1/traces", deflate), HttpStatusCode.BadRequest, "unsupported_encoding");

        Assert.Empty(await LogAsync(admin, "span"));
    }

    [Fact]
    public async Task Spans_stay_in_the_senders_tenant_and_readers_cannot_export()
    {
        (string readerA, string writerA, string adminA) = await _server.CreateTenantAsync("otlp-a");
        (_, _, string adminB) = await _server.CreateTenantAsync("otlp-b");

        Assert.Equal(HttpStatusCode.OK, (await _server.Client(writerA).PostAsync("/v1/traces", Protobuf(ProtobufRequest(withInvalid: false)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.Client(readerA).PostAsync("/v1/traces", Protobuf(ProtobufRequest(withInvalid: false)))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.Client(null).PostAsync("/v1/traces", Protobuf(ProtobufRequest(withInvalid: false)))).StatusCode);

        Assert.Equal(2, (await LogAsync(adminA, "span")).Length);
        Assert.Empty(await LogAsync(adminB, "span"));
    }

    private async Task<JsonElement[]> LogAsync(string key, string kind)
    {
        using JsonDocument page = JsonDocument.Parse(await _server.Client(key).GetStringAsync($"/api/log?kind={kind}&limit=100"));
        return [.. page.RootElement.GetProperty("records").EnumerateArray().Select(e => e.Clone())];
    }

    private static byte[] ProtobufRequest(bool withInvalid) => OtlpProtoWriter.Build(request => request.Message(1, resourceSpans =>
    {
        resourceSpans.Message(1, resource => resource.Attribute(1, "service.name", "billing"));
        resourceSpans.Message(2, scopeSpans =>
        {
            scopeSpans.Message(1, scope => scope.String(1, "opentelemetry-python").String(2, "1.27.0"));
            scopeSpans.Message(2, span => span
                .Bytes(1, Convert.FromHexString(TraceHex))
                .Bytes(2, Convert.FromHexString(RootHex))
                .String(5, "chat gpt-4o")
                .Varint(6, 3)
                .Fixed64(7, StartNanos)
                .Fixed64(8, StartNanos + 1_500_000_000)
                .Attribute(9, "gen_ai.operation.name", "chat")
                .Attribute(9, "gen_ai.usage.input_tokens", 120L)
                .Attribute(9, "gen_ai.request.temperature", 0.5)
                .Attribute(9, "stream", true)
                .Attribute(9, "gen_ai.response.finish_reasons", new[] { "stop" })
                .Attribute(9, "gen_ai.conversation.id", "conv-42")
                .Varint(12, 0)
                .Message(11, e => e
                    .Fixed64(1, StartNanos + 1_400_000_000)
                    .String(2, "gen_ai.evaluation.result")
                    .Attribute(3, "gen_ai.evaluation.name", "relevance")
                    .Attribute(3, "gen_ai.evaluation.score.value", 0.25))
                .Message(15, status => status.String(2, "rate limited").Varint(3, 2))
                .Varint(99, 12345));
            scopeSpans.Message(2, span => span
                .Bytes(1, Convert.FromHexString(TraceHex))
                .Bytes(2, Convert.FromHexString(ChildHex))
                .Bytes(4, Convert.FromHexString(RootHex))
                .String(5, "execute_tool lookup")
                .Varint(6, 1)
                .Fixed64(7, StartNanos + 100)
                .Fixed64(8, StartNanos + 200));
            if (withInvalid)
            {
                scopeSpans.Message(2, span => span
                    .Bytes(1, [1, 2, 3, 4, 5, 6, 7, 8])
                    .Bytes(2, Convert.FromHexString(ChildHex))
                    .String(5, "short trace id")
                    .Fixed64(7, StartNanos)
                    .Fixed64(8, StartNanos));
            }
        });
    }));

    private const string JsonRequest = """
        {"resourceSpans": [{
          "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "agents"}}]},
          "scopeSpans": [{
            "scope": {"name": "my-tracer"},
            "spans": [{
              "traceId": "6B8EFFF798038103D269B633813FC60C", "spanId": "eee19b7ec3c1b174", "parentSpanId": "",
              "name": "execute_tool search", "kind": 1,
              "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": 1700000000100000000,
              "attributes": [
                {"key": "gen_ai.operation.name", "value": {"stringValue": "execute_tool"}},
                {"key": "retries", "value": {"intValue": "7"}},
                {"key": "user.id", "value": {"stringValue": "u-1"}},
                {"key": "map", "value": {"kvlistValue": {"values": [{"key": "a", "value": {"intValue": 1}}]}}}
              ],
              "status": {"code": 1},
              "unknownField": {"ignored": true}
            }]
          }]
        }]}
        """;

    private static ByteArrayContent Protobuf(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");
}
