using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Myelin.Evals.Tracing;

public sealed class TracingChatClientTests
{
    [Fact]
    public async Task Response_attributes_usage_and_cost_are_recorded()
    {
        using var collector = new ActivityCollector();
        var prices = new PriceTable([new("gpt-4o*", new ModelPrice(2.5m, 10m, 1.25m))]);
        using IChatClient client = ChatScripts.Answering().UseMyelinTracing(o => o.Prices = prices);

        ChatResponse response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Capital of France?")], ChatScripts.FullOptions());

        Assert.Equal("Paris", response.Text);
        Activity span = collector.Single();
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("openai", span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal("resp-1", span.GetTagItem("gen_ai.response.id"));
        Assert.Equal("gpt-4o-2024-08-06", span.GetTagItem("gen_ai.response.model"));
        Assert.Equal(new[] { "stop" }, span.GetTagItem("gen_ai.response.finish_reasons"));
        Assert.Equal(1200L, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(300L, span.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(200L, span.GetTagItem("gen_ai.usage.cache_read.input_tokens"));
        Assert.Equal("conv-7", span.GetTagItem("gen_ai.conversation.id"));
        Assert.Equal("json", span.GetTagItem("gen_ai.output.type"));
        Assert.Equal("models.local", span.GetTagItem("server.address"));
        Assert.Equal(8080, span.GetTagItem("server.port"));

        // 1000 uncached * 2.5 + 200 cached * 1.25 + 300 out * 10, per million.
        Assert.Equal(0.00575, (double)span.GetTagItem("myelin.cost.usd")!, 9);
    }

    [Fact]
    public async Task Content_is_not_captured_unless_enabled()
    {
        using var collector = new ActivityCollector();
        using IChatClient plain = ChatScripts.Answering().UseMyelinTracing();
        await plain.GetResponseAsync([new ChatMessage(ChatRole.User, "secret question")], new ChatOptions { Instructions = "be brief" });
        Activity quiet = collector.Single();
        Assert.Null(quiet.GetTagItem("gen_ai.input.messages"));
        Assert.Null(quiet.GetTagItem("gen_ai.output.messages"));
        Assert.Null(quiet.GetTagItem("gen_ai.system_instructions"));
        Assert.DoesNotContain(quiet.TagObjects, t => t.Value is string s && s.Contains("secret", StringComparison.Ordinal));

        using IChatClient capturing = ChatScripts.Answering().UseMyelinTracing(o => o.EnableSensitiveData = true);
        await capturing.GetResponseAsync([new ChatMessage(ChatRole.User, "secret question")], new ChatOptions { Instructions = "be brief" });
        Activity loud = collector.Spans.Single(s => s != quiet);
        using JsonDocument input = JsonDocument.Parse((string)loud.GetTagItem("gen_ai.input.messages")!);
        Assert.Equal("user", input.RootElement[0].GetProperty("role").GetString());
        Assert.Equal("secret question", input.RootElement[0].GetProperty("parts")[0].GetProperty("content").GetString());
        using JsonDocument output = JsonDocument.Parse((string)loud.GetTagItem("gen_ai.output.messages")!);
        Assert.Equal("stop", output.RootElement[0].GetProperty("finish_reason").GetString());
        Assert.Equal("Paris", output.RootElement[0].GetProperty("parts")[0].GetProperty("content").GetString());
        Assert.Contains("be brief", (string)loud.GetTagItem("gen_ai.system_instructions")!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_records_the_aggregated_response()
    {
        using var collector = new ActivityCollector();
        using IChatClient client = ChatScripts.Answering("Hello there").UseMyelinTracing();

        var text = new System.Text.StringBuilder();
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]))
        {
            text.Append(update.Text);
        }

        Assert.Equal("Hello there", text.ToString());
        Activity span = collector.Single();
        Assert.Equal("chat gpt-4o", span.DisplayName);
        Assert.Equal("resp-s", span.GetTagItem("gen_ai.response.id"));
        Assert.Equal(new[] { "length" }, span.GetTagItem("gen_ai.response.finish_reasons"));
        Assert.Equal(10L, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(5L, span.GetTagItem("gen_ai.usage.output_tokens"));
    }

    [Fact]
    public async Task Failures_set_error_type_and_status_and_rethrow()
    {
        using var collector = new ActivityCollector();
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => throw new TimeoutException("model timed out"),
            GetStreamingResponseAsyncCallback = (_, _, _) => Failing(),
        };
        using IChatClient client = inner.UseMyelinTracing(o => o.ProviderName = "ollama");

        await Assert.ThrowsAsync<TimeoutException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "x")], new ChatOptions { ModelId = "m" }));
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (ChatResponseUpdate _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "x")], new ChatOptions { ModelId = "m" }))
            {
            }
        });

        Assert.Equal(2, collector.Spans.Count);
        Assert.All(collector.Spans, s => Assert.Equal(ActivityStatusCode.Error, s.Status));
        Assert.Contains(collector.Spans, s => (string?)s.GetTagItem("error.type") == "System.TimeoutException");
        Assert.Contains(collector.Spans, s => (string?)s.GetTagItem("error.type") == "System.InvalidOperationException");
    }

    [Fact]
    public async Task Metrics_follow_the_conventions_with_advised_buckets()
    {
        using var metrics = new GenAiMetrics();
        var tokens = new List<(long Value, Dictionary<string, object?> Tags)>();
        var durations = new List<(double Value, Dictionary<string, object?> Tags)>();
        var advice = new Dictionary<string, object?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument == metrics.TokenUsage || instrument == metrics.OperationDuration)
            {
                advice[instrument.Name] = instrument switch
                {
                    Histogram<long> h => h.Advice?.HistogramBucketBoundaries,
                    Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
                    _ => null,
                };
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, v, tags, _) => tokens.Add((v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((_, v, tags, _) => durations.Add((v, ToDictionary(tags))));
        listener.Start();

        using IChatClient client = ChatScripts.Answering().UseMyelinTracing(metrics: metrics);
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")], new ChatOptions { ModelId = "gpt-4o" });

        Assert.Equal("{token}", metrics.TokenUsage.Unit);
        Assert.Equal("s", metrics.OperationDuration.Unit);
        Assert.Equal(GenAiMetrics.TokenUsageBuckets, (IEnumerable<long>)advice["gen_ai.client.token.usage"]!);
        Assert.Equal(GenAiMetrics.OperationDurationBuckets, (IEnumerable<double>)advice["gen_ai.client.operation.duration"]!);
        Assert.Equal(2, tokens.Count);
        Assert.Contains(tokens, t => t.Value == 1200 && (string?)t.Tags["gen_ai.token.type"] == "input");
        Assert.Contains(tokens, t => t.Value == 300 && (string?)t.Tags["gen_ai.token.type"] == "output");
        Assert.All(tokens, t => Assert.Equal("chat", t.Tags["gen_ai.operation.name"]));
        (double seconds, Dictionary<string, object?> durationTags) = Assert.Single(durations);
        Assert.True(seconds >= 0);
        Assert.Equal("gpt-4o", durationTags["gen_ai.request.model"]);
        Assert.Equal("gpt-4o-2024-08-06", durationTags["gen_ai.response.model"]);
        Assert.False(durationTags.ContainsKey("error.type"));
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }

#pragma warning disable CS1998 // The fake stream fails before its first item, on purpose.
    private static async IAsyncEnumerable<ChatResponseUpdate> Failing()
    {
        throw new InvalidOperationException("stream broke");
#pragma warning disable CS0162
        yield break;
#pragma warning restore CS0162
    }
#pragma warning restore CS1998
}
