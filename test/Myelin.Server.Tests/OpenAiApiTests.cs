using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Myelin.Inference.Chat;
using Myelin.Inference.Models;
using Myelin.Inference.Remote;
using Myelin.Models.Formats;
using Myelin.Models.Tokenization;
using Myelin.TestUtilities;

namespace Myelin.Server;

/// <summary>The OpenAI-compatible API over a synthesized model, read by raw HTTP and by our OpenAI-compatible client.</summary>
public sealed class OpenAiApiTests : IAsyncLifetime
{
    private readonly TempDirectory _models = new("myelin-openai-models");
    private ServerHarness _server = null!;
    private string _modelPath = null!;

    public async Task InitializeAsync()
    {
        _modelPath = _models.Combine("tiny-qwen.gguf");
        TokenizerVocabulary vocabulary = SyntheticVocabulary.BytePair(700);
        var shape = new ModelShape(ModelArchitecture.Qwen2, vocabulary.Count, 256, 64, 2, 128, 4, 2, TiedEmbeddings: true);
        ModelSynthesizer.Write(
            new SynthesisOptions(shape, GgmlType.Q8_0, Seed: 9) { Name = "tiny-qwen", Tokenizer = new VocabularyMetadataSource(vocabulary) }, _modelPath);
        _server = await ServerHarness.StartAsync(o => o.ModelPaths.Add(_modelPath));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _models.Dispose();
    }

    [Fact]
    public async Task Models_lists_the_served_model()
    {
        using JsonDocument models = JsonDocument.Parse(await _server.Client().GetStringAsync("/v1/models"));
        Assert.Equal("list", models.RootElement.GetProperty("object").GetString());
        Assert.Equal("tiny-qwen", Assert.Single(models.RootElement.GetProperty("data").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Completion_streams_the_same_text_and_reports_cached_tokens_on_the_next_turn()
    {
        const string Body = """
            {"model":"tiny-qwen","messages":[{"role":"system","content":"You plan meetings."},{"role":"user","content":"When do we meet?"}],
             "temperature":0.8,"seed":7,"max_tokens":10}
            """;
        HttpResponseMessage plain = await _server.Client().PostAsync("/v1/chat/completions", Json(Body));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        using JsonDocument completion = JsonDocument.Parse(await plain.Content.ReadAsStringAsync());
        JsonElement choice = completion.RootElement.GetProperty("choices")[0];
        string text = choice.GetProperty("message").GetProperty("content").GetString()!;
        JsonElement usage = completion.RootElement.GetProperty("usage");
        Assert.Equal("chat.completion", completion.RootElement.GetProperty("object").GetString());
        Assert.True(usage.GetProperty("completion_tokens").GetInt32() is > 0 and <= 10);

        // Streaming the same request (same seed) yields the same text, chunk by chunk, then usage and [DONE].
        string streamBody = Body.Replace("\"max_tokens\":10", "\"max_tokens\":10,\"stream\":true,\"stream_options\":{\"include_usage\":true}", StringComparison.Ordinal);
        HttpResponseMessage streamResponse = await _server.Client().PostAsync("/v1/chat/completions", Json(streamBody));
        Assert.Equal("text/event-stream", streamResponse.Content.Headers.ContentType?.MediaType);
        string streamed = await streamResponse.Content.ReadAsStringAsync();
        string[] events = [.. streamed.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)];
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..])).ToList();
        Assert.Equal(text, string.Concat(chunks.SelectMany(c => c.RootElement.GetProperty("choices").EnumerateArray())
            .Select(c => c.GetProperty("delta").TryGetProperty("content", out JsonElement d) ? d.GetString() : string.Empty)));
        Assert.True(chunks[^1].RootElement.TryGetProperty("usage", out JsonElement streamedUsage));
        Assert.True(streamedUsage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32() > 0, "the repeated prompt should hit the cache");
        chunks.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task Our_openai_compatible_client_reads_the_server_like_any_other()
    {
        using var http = new HttpClient();
        using var remote = new OpenAICompatibleChatClient(
            new OpenAICompatibleChatClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1"), Model = "tiny-qwen", ApiKey = ServerHarness.AdminKey }, http);
        using LocalChatClient local = LocalChatClient.Open(_modelPath);
        ChatMessage[] conversation = [new(ChatRole.User, "Tell me about the cache.")];
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 8 };

        ChatResponse viaServer = await remote.GetResponseAsync(conversation, options);
        ChatResponse direct = await local.GetResponseAsync(conversation, options);
        Assert.Equal(direct.Text, viaServer.Text);
        Assert.Equal(direct.Usage!.InputTokenCount, viaServer.Usage!.InputTokenCount);

        var streamed = new StringBuilder();
        UsageDetails? usage = null;
        await foreach (ChatResponseUpdate update in remote.GetStreamingResponseAsync(conversation, options))
        {
            streamed.Append(update.Text);
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
        }

        Assert.Equal(direct.Text, streamed.ToString());
        Assert.True(usage?.CachedInputTokenCount > 0);

        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(
            () => remote.GetResponseAsync(conversation, new ChatOptions { ModelId = "no-such-model" }));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("tiny-qwen", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"ghost","messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.NotFound, "model_not_found")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.BadRequest, "invalid_model")]
    [InlineData("""{"model":"tiny-qwen","messages":[]}""", HttpStatusCode.BadRequest, "invalid_messages")]
    [InlineData("""{"model":"tiny-qwen","messages":[{"role":"robot","content":"x"}]}""", HttpStatusCode.BadRequest, "invalid_messages")]
    [InlineData("""{"model":"tiny-qwen","messages":[{"role":"user","content":"x"}],"temperature":9}""", HttpStatusCode.BadRequest, "invalid_temperature")]
    [InlineData("""{"model":"tiny-qwen","messages":[{"role":"user","content":"x"}],"tools":[]}""", HttpStatusCode.BadRequest, "unsupported_parameter")]
    [InlineData("""{"model":"tiny-qwen","messages":[{"role":"user","content":"x"}],"n":2}""", HttpStatusCode.BadRequest, "invalid_n")]
    [InlineData("""{"model":"tiny-qwen","messages":[{"role":"user","content":"x"}""", HttpStatusCode.BadRequest, "invalid_json")]
    public async Task Bad_requests_get_problems_with_an_openai_error_object(string body, HttpStatusCode status, string code)
    {
        HttpResponseMessage response = await _server.Client().PostAsync("/v1/chat/completions", Json(body));
        string detail = await ProblemAssert.IsProblemAsync(response, status, code);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(detail, problem.RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_is_a_400_and_keys_are_required()
    {
        string longPrompt = string.Join(' ', Enumerable.Repeat("meeting", 400));
        await ProblemAssert.IsProblemAsync(
            await _server.Client().PostAsync("/v1/chat/completions", Json($$"""{"model":"tiny-qwen","messages":[{"role":"user","content":"{{longPrompt}}"}]}""")),
            HttpStatusCode.BadRequest,
            "invalid_request");
        await ProblemAssert.IsProblemAsync(await _server.Client(key: null).GetAsync("/v1/models"), HttpStatusCode.Unauthorized, "missing_api_key");
    }

    [Fact]
    public async Task Logprobs_report_every_token_with_its_alternatives()
    {
        const string Body = """{"model":"tiny-qwen","messages":[{"role":"user","content":"Is it sunny?"}],"max_tokens":5,"temperature":0,"logprobs":true,"top_logprobs":3}""";
        HttpResponseMessage response = await _server.Client().PostAsync("/v1/chat/completions", Json(Body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument completion = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement choice = completion.RootElement.GetProperty("choices")[0];
        JsonElement[] tokens = [.. choice.GetProperty("logprobs").GetProperty("content").EnumerateArray()];
        Assert.Equal(completion.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), tokens.Length);
        var bytes = new List<byte>();
        foreach (JsonElement token in tokens)
        {
            float logprob = token.GetProperty("logprob").GetSingle();
            JsonElement[] top = [.. token.GetProperty("top_logprobs").EnumerateArray()];
            Assert.True(logprob <= 0);
            Assert.Equal(3, top.Length);
            Assert.True(top[0].GetProperty("logprob").GetSingle() >= top[1].GetProperty("logprob").GetSingle());

            // Greedy: the chosen token is the most likely alternative.
            Assert.Equal(top[0].GetProperty("token").GetString(), token.GetProperty("token").GetString());
            Assert.Equal(top[0].GetProperty("logprob").GetSingle(), logprob, 1e-4f);
            bytes.AddRange(token.GetProperty("bytes").EnumerateArray().Select(b => (byte)b.GetInt32()));
        }

        Assert.Equal(choice.GetProperty("message").GetProperty("content").GetString(), Encoding.UTF8.GetString([.. bytes]));

        string streamed = await (await _server.Client().PostAsync(
            "/v1/chat/completions", Json(Body.Replace("\"logprobs\":true", "\"logprobs\":true,\"stream\":true", StringComparison.Ordinal)))).Content.ReadAsStringAsync();
        int streamedTokens = streamed.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)[..^1].Sum(e =>
        {
            using JsonDocument chunk = JsonDocument.Parse(e["data: ".Length..]);
            JsonElement c = chunk.RootElement.GetProperty("choices")[0];
            return c.TryGetProperty("logprobs", out JsonElement l) ? l.GetProperty("content").GetArrayLength() : 0;
        });
        Assert.Equal(tokens.Length, streamedTokens);

        await ProblemAssert.IsProblemAsync(
            await _server.Client().PostAsync("/v1/chat/completions", Json("""{"model":"tiny-qwen","messages":[{"role":"user","content":"x"}],"top_logprobs":2}""")),
            HttpStatusCode.BadRequest,
            "invalid_top_logprobs");
    }

    [Fact]
    public async Task Raw_completions_continue_the_prompt_and_stream_the_same_text()
    {
        const string Body = """{"model":"tiny-qwen","prompt":"The agent remembers","max_tokens":6,"temperature":0.7,"seed":11}""";
        HttpResponseMessage plain = await _server.Client().PostAsync("/v1/completions", Json(Body));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        using JsonDocument completion = JsonDocument.Parse(await plain.Content.ReadAsStringAsync());
        Assert.Equal("text_completion", completion.RootElement.GetProperty("object").GetString());
        string text = completion.RootElement.GetProperty("choices")[0].GetProperty("text").GetString()!;
        Assert.True(completion.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32() is > 0 and <= 6);

        string streamed = await (await _server.Client().PostAsync("/v1/completions", Json(Body.Replace("\"seed\":11", "\"seed\":11,\"stream\":true", StringComparison.Ordinal))))
            .Content.ReadAsStringAsync();
        string[] events = [.. streamed.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)];
        Assert.Equal("data: [DONE]", events[^1]);
        Assert.Equal(text, string.Concat(events[..^1].Select(e =>
        {
            using JsonDocument chunk = JsonDocument.Parse(e["data: ".Length..]);
            return chunk.RootElement.GetProperty("choices")[0].GetProperty("text").GetString();
        })));

        await ProblemAssert.IsProblemAsync(
            await _server.Client().PostAsync("/v1/completions", Json("""{"model":"tiny-qwen","prompt":["a","b"]}""")), HttpStatusCode.BadRequest, "invalid_prompt");
        await ProblemAssert.IsProblemAsync(
            await _server.Client().PostAsync("/v1/completions", Json("""{"model":"tiny-qwen","messages":[]}""")), HttpStatusCode.BadRequest, "unsupported_parameter");
    }

    [Fact]
    public async Task Raw_completions_report_legacy_logprobs_with_offsets_streamed_and_not()
    {
        const string Body = """{"model":"tiny-qwen","prompt":"The agent remembers","max_tokens":6,"temperature":0.7,"seed":11,"logprobs":2}""";
        HttpResponseMessage response = await _server.Client().PostAsync("/v1/completions", Json(Body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument completion = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement choice = completion.RootElement.GetProperty("choices")[0];
        string text = choice.GetProperty("text").GetString()!;
        JsonElement logprobs = choice.GetProperty("logprobs");
        string[] tokens = [.. logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!)];
        float[] tokenLogprobs = [.. logprobs.GetProperty("token_logprobs").EnumerateArray().Select(t => t.GetSingle())];
        JsonElement[] top = [.. logprobs.GetProperty("top_logprobs").EnumerateArray()];
        int[] offsets = [.. logprobs.GetProperty("text_offset").EnumerateArray().Select(t => t.GetInt32())];
        Assert.Equal(completion.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), tokens.Length);
        Assert.Equal(tokens.Length, tokenLogprobs.Length);
        Assert.Equal(tokens.Length, top.Length);
        Assert.Equal(tokens.Length, offsets.Length);
        Assert.NotEmpty(tokens);
        Assert.Equal(0, offsets[0]);
        Assert.Equal(text, string.Concat(tokens));
        for (int i = 0; i < tokens.Length; i++)
        {
            // The two most likely alternatives, plus the sampled token when it is not one of them; its text sits at its offset.
            JsonProperty[] alternatives = [.. top[i].EnumerateObject()];
            Assert.InRange(alternatives.Length, 2, 3);
            Assert.True(tokenLogprobs[i] <= 0);
            // Tokens whose text coincides share one key, which keeps the more likely: never below the sampled token's.
            Assert.True(top[i].GetProperty(tokens[i]).GetSingle() >= tokenLogprobs[i] - 1e-4f);
            Assert.True(alternatives.Max(a => a.Value.GetSingle()) >= tokenLogprobs[i]);
            Assert.Equal(tokens[i], text.Substring(offsets[i], tokens[i].Length));
        }

        // Streamed: the same tokens, with offsets that run on across chunks; the closing chunk has none.
        string streamed = await (await _server.Client().PostAsync(
            "/v1/completions", Json(Body.Replace("\"logprobs\":2", "\"logprobs\":2,\"stream\":true", StringComparison.Ordinal)))).Content.ReadAsStringAsync();
        var streamedTokens = new List<string>();
        var streamedOffsets = new List<int>();
        foreach (string e in streamed.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)[..^1])
        {
            using JsonDocument chunk = JsonDocument.Parse(e["data: ".Length..]);
            JsonElement l = chunk.RootElement.GetProperty("choices")[0].GetProperty("logprobs");
            if (l.ValueKind == JsonValueKind.Object)
            {
                streamedTokens.AddRange(l.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!));
                streamedOffsets.AddRange(l.GetProperty("text_offset").EnumerateArray().Select(t => t.GetInt32()));
            }
        }

        Assert.Equal(tokens, streamedTokens);
        Assert.Equal(offsets, streamedOffsets);

        // Without logprobs the field is null; out of range or of the wrong type it is a 400.
        using JsonDocument plain = JsonDocument.Parse(await (await _server.Client().PostAsync(
            "/v1/completions", Json("""{"model":"tiny-qwen","prompt":"x","max_tokens":2}"""))).Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Null, plain.RootElement.GetProperty("choices")[0].GetProperty("logprobs").ValueKind);
        await ProblemAssert.IsProblemAsync(
            await _server.Client().PostAsync("/v1/completions", Json("""{"model":"tiny-qwen","prompt":"x","logprobs":21}""")),
            HttpStatusCode.BadRequest,
            "invalid_logprobs");
        await ProblemAssert.IsProblemAsync(
            await _server.Client().PostAsync("/v1/completions", Json("""{"model":"tiny-qwen","prompt":"x","logprobs":true}""")),
            HttpStatusCode.BadRequest,
            "invalid_logprobs");
    }

    [Fact]
    public async Task Metrics_show_latency_tokens_and_cache_for_the_operator_only()
    {
        string body = """{"model":"tiny-qwen","messages":[{"role":"user","content":"Count the tokens."}],"max_tokens":4,"temperature":0}""";
        (await _server.Client().PostAsync("/v1/chat/completions", Json(body))).EnsureSuccessStatusCode();
        (await _server.Client().PostAsync("/v1/chat/completions", Json(body))).EnsureSuccessStatusCode();

        HttpResponseMessage response = await _server.Client().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string metrics = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE myelin_inference_time_to_first_token_seconds histogram", metrics, StringComparison.Ordinal);
        Assert.Contains("myelin_inference_time_to_first_token_seconds_bucket{model=\"tiny-qwen\",le=\"+Inf\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("myelin_inference_generation_tokens_total{model=\"tiny-qwen\"}", metrics, StringComparison.Ordinal);
        Assert.Matches(@"myelin_inference_prefix_cache_hits_total\{model=""tiny-qwen""\} [1-9]", metrics);
        Assert.Contains("myelin_inference_requests_running{model=\"tiny-qwen\"} 0", metrics, StringComparison.Ordinal);

        (_, _, string tenantAdmin) = await _server.CreateTenantAsync("metrics-tenant");
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.Client(tenantAdmin).GetAsync("/metrics")).StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
