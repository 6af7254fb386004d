using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Myelin.Server;

public sealed class LogApiTests : IAsyncLifetime
{
    private ServerHarness _server = null!;

    public async Task InitializeAsync() => _server = await ServerHarness.StartAsync(o => o.MaxRequestBodyBytes = 64 * 1024);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Append_then_query_returns_records_with_offsets_in_order()
    {
        HttpClient client = _server.Client();
        HttpResponseMessage post = await client.PostAsync("/api/log", Json("""
            [{"kind":"turn","sessionId":"s1","payload":{"text":"hello"}},
             {"kind":"span","traceId":"t1","payload":{"name":"chat"},"timestamp":"2026-01-02T03:04:05Z"}]
            """));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        using JsonDocument appended = JsonDocument.Parse(await post.Content.ReadAsStringAsync());
        long[] offsets = [.. appended.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("offset").GetInt64())];
        Assert.Equal(offsets[0] + 1, offsets[1]);

        using JsonDocument page = JsonDocument.Parse(await client.GetStringAsync("/api/log?sessionId=s1"));
        JsonElement record = Assert.Single(page.RootElement.GetProperty("records").EnumerateArray());
        Assert.Equal("turn", record.GetProperty("kind").GetString());
        Assert.Equal("hello", record.GetProperty("payload").GetProperty("text").GetString());

        using JsonDocument spans = JsonDocument.Parse(await client.GetStringAsync("/api/log?kind=span&from=2026-01-01T00:00:00Z&to=2026-01-03T00:00:00Z"));
        JsonElement span = Assert.Single(spans.RootElement.GetProperty("records").EnumerateArray());
        Assert.Equal("t1", span.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task Retried_append_with_same_idempotency_key_is_stored_once()
    {
        HttpClient client = _server.Client();
        const string body = """[{"kind":"feedback","idempotencyKey":"fb-1","payload":{"score":1}}]""";
        using JsonDocument first = JsonDocument.Parse(await (await client.PostAsync("/api/log", Json(body))).Content.ReadAsStringAsync());
        using JsonDocument second = JsonDocument.Parse(await (await client.PostAsync("/api/log", Json(body))).Content.ReadAsStringAsync());
        JsonElement a = first.RootElement.GetProperty("results")[0];
        JsonElement b = second.RootElement.GetProperty("results")[0];
        Assert.False(a.GetProperty("duplicate").GetBoolean());
        Assert.True(b.GetProperty("duplicate").GetBoolean());
        Assert.Equal(a.GetProperty("offset").GetInt64(), b.GetProperty("offset").GetInt64());
        using JsonDocument page = JsonDocument.Parse(await client.GetStringAsync("/api/log?kind=feedback"));
        Assert.Single(page.RootElement.GetProperty("records").EnumerateArray());
    }

    [Fact]
    public async Task Paging_with_next_cursor_visits_every_record_once()
    {
        HttpClient client = _server.Client();
        string batch = "[" + string.Join(',', Enumerable.Range(0, 25).Select(i => $$"""{"kind":"step","episodeId":"e","payload":{{i}}}""")) + "]";
        (await client.PostAsync("/api/log", Json(batch))).EnsureSuccessStatusCode();
        var seen = new List<int>();
        long after = 0;
        while (true)
        {
            using JsonDocument page = JsonDocument.Parse(await client.GetStringAsync($"/api/log?episodeId=e&limit=10&after={after}"));
            seen.AddRange(page.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("payload").GetInt32()));
            if (page.RootElement.TryGetProperty("next", out JsonElement next) && next.ValueKind == JsonValueKind.Number)
            {
                after = next.GetInt64();
                continue;
            }

            break;
        }

        Assert.Equal(Enumerable.Range(0, 25), seen);
    }

    [Theory]
    [InlineData("[{\"kind\":\"turn\",", "invalid_json")]
    [InlineData("{\"kind\":\"turn\"}", "invalid_body")]
    [InlineData("[]", "empty_batch")]
    [InlineData("[{\"kind\":\"nonsense\",\"payload\":1}]", "invalid_kind")]
    [InlineData("[{\"payload\":1}]", "invalid_record")]
    [InlineData("[{\"kind\":\"turn\",\"tenant\":\"other\",\"payload\":1}]", "invalid_record")]
    [InlineData("[{\"kind\":\"turn\",\"payload\":1,\"timestamp\":\"yesterday\"}]", "invalid_record")]
    [InlineData("[{\"kind\":\"turn\",\"payload\":1},{\"kind\":\"bogus\",\"payload\":2}]", "invalid_kind")]
    public async Task Bad_append_bodies_get_specific_problems_and_store_nothing(string body, string code)
    {
        HttpClient client = _server.Client();
        long before = await CountAsync(client);
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/log", Json(body)), HttpStatusCode.BadRequest, code);
        Assert.Equal(before, await CountAsync(client));
    }

    [Fact]
    public async Task Oversized_body_is_rejected_with_413_and_stores_nothing()
    {
        HttpClient client = _server.Client();
        long before = await CountAsync(client);
        string big = "[{\"kind\":\"turn\",\"payload\":\"" + new string('x', 100 * 1024) + "\"}]";
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/log", Json(big)), HttpStatusCode.RequestEntityTooLarge, "body_too_large");
        Assert.Equal(before, await CountAsync(client));
    }

    [Fact]
    public async Task Wrong_content_type_is_rejected()
    {
        HttpClient client = _server.Client();
        using var content = new StringContent("[]", Encoding.UTF8, "text/plain");
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/log", content), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Theory]
    [InlineData("after=-1", "invalid_offset")]
    [InlineData("after=abc", "invalid_offset")]
    [InlineData("before=0", "invalid_offset")]
    [InlineData("limit=0", "invalid_limit")]
    [InlineData("limit=100000", "invalid_limit")]
    [InlineData("kind=nonsense", "invalid_kind")]
    [InlineData("from=notadate", "invalid_time")]
    [InlineData("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "invalid_time_range")]
    [InlineData("order=sideways", "invalid_order")]
    [InlineData("tenant=other", "unknown_parameter")]
    public async Task Bad_query_parameters_get_specific_problems(string query, string code)
    {
        await ProblemAssert.IsProblemAsync(await _server.Client().GetAsync("/api/log?" + query), HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task Missing_and_invalid_keys_get_401_problems()
    {
        await ProblemAssert.IsProblemAsync(await _server.Client(key: null).GetAsync("/api/log"), HttpStatusCode.Unauthorized, "missing_api_key");
        await ProblemAssert.IsProblemAsync(await _server.Client("myl_not-a-real-key-at-all-000000").GetAsync("/api/log"), HttpStatusCode.Unauthorized, "invalid_api_key");
        await ProblemAssert.IsProblemAsync(await _server.Client("short").PostAsync("/api/log", Json("[]")), HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    [Fact]
    public async Task Unknown_route_is_a_problem_not_an_empty_404()
    {
        await ProblemAssert.IsProblemAsync(await _server.Client().GetAsync("/api/nothing-here"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Checkpoints_persist_and_never_move_backwards_without_force()
    {
        HttpClient client = _server.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/checkpoints/indexer", new { offset = 7 })).StatusCode);
        using (JsonDocument doc = JsonDocument.Parse(await client.GetStringAsync("/api/checkpoints/indexer")))
        {
            Assert.Equal(7, doc.RootElement.GetProperty("offset").GetInt64());
        }

        await ProblemAssert.IsProblemAsync(
            await client.PutAsJsonAsync("/api/checkpoints/indexer", new { offset = 3 }), HttpStatusCode.BadRequest, "checkpoint_backwards");
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/checkpoints/indexer", new { offset = 3, force = true })).StatusCode);
        using JsonDocument after = JsonDocument.Parse(await client.GetStringAsync("/api/checkpoints/indexer"));
        Assert.Equal(3, after.RootElement.GetProperty("offset").GetInt64());
    }

    private static async Task<long> CountAsync(HttpClient client)
    {
        using JsonDocument page = JsonDocument.Parse(await client.GetStringAsync("/api/log?limit=10000"));
        return page.RootElement.GetProperty("records").GetArrayLength();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
