using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Storage.Sqlite;
using Myelin.TestUtilities;

namespace Myelin.Evals.Tracing;

/// <summary>Every span Myelin produces, live and as stored, obeys the GenAI semantic conventions.</summary>
public sealed class GenAiConventionsConformanceTests
{
    [Fact]
    public async Task Live_spans_follow_the_conventions()
    {
        using var collector = new ActivityCollector();
        await ProduceAllSpanKindsAsync();

        IReadOnlyList<Activity> spans = collector.Spans;
        Assert.Equal(5, spans.Count);
        foreach (Activity span in spans)
        {
            var attributes = span.TagObjects.ToDictionary(t => t.Key, t => t.Value);
            Assert.Empty(GenAiConventions.Check(span.DisplayName, span.Kind.ToString().ToLowerInvariant(), attributes));
        }

        Assert.Contains(spans, s => s.DisplayName == "chat gpt-4o");
        Assert.Contains(spans, s => s.DisplayName == "execute_tool get_weather");
        Assert.Contains(spans, s => s.DisplayName == "invoke_agent planner");
    }

    [Fact]
    public async Task Stored_spans_follow_the_conventions()
    {
        using var dir = new TempDirectory("evals-conf");
        await using SqliteMyelinStorage storage = await SqliteMyelinStorage.OpenAsync(new SqliteStorageOptions { DataDirectory = dir.Path });
        await storage.MigrateAsync();
        using var collector = new ActivityCollector();
        await using (var recorder = new SpanRecorder(storage.Log, new SpanRecorderOptions { Resource = [new("service.name", "conformance")] }))
        {
            await ProduceAllSpanKindsAsync();
            await recorder.FlushAsync();
        }

        IReadOnlyList<ExperienceRecord> records = await storage.Log.QueryAsync(
            TenantId.Default, new LogQuery { TraceId = collector.TraceId.ToHexString(), Kinds = [ExperienceKinds.Span] });
        Assert.Equal(5, records.Count);
        foreach (ExperienceRecord record in records)
        {
            using JsonDocument doc = JsonDocument.Parse(record.PayloadJson);
            JsonElement p = doc.RootElement;
            Dictionary<string, object?> attributes = GenAiConventions.FromJson(p.GetProperty("attributes"));
            Assert.Empty(GenAiConventions.Check(p.GetProperty("name").GetString()!, p.GetProperty("kind").GetString()!, attributes));
            Assert.Equal(record.TraceId, p.GetProperty("traceId").GetString());
            Assert.Matches("^[0-9a-f]{16}$", p.GetProperty("spanId").GetString()!);
            Assert.Equal(collector.TraceId.ToHexString(), record.TraceId);
            Assert.Equal("conformance", p.GetProperty("resource").GetProperty("service.name").GetString());
            Assert.Equal(EvalsAssembly.TelemetryName, p.GetProperty("scope").GetProperty("name").GetString());
            Assert.True(p.GetProperty("durationMs").GetDouble() >= 0);
        }

        ExperienceRecord chat = records.First(r => r.PayloadJson.Contains("\"chat gpt-4o\"", StringComparison.Ordinal));
        Assert.Equal("conv-7", chat.SessionId);
        using JsonDocument chatDoc = JsonDocument.Parse(chat.PayloadJson);
        Assert.Equal("user-3", chatDoc.RootElement.GetProperty("userId").GetString());
        Assert.Equal(0.7, chatDoc.RootElement.GetProperty("attributes").GetProperty("gen_ai.request.temperature").GetDouble(), 3);
    }

    private static async Task ProduceAllSpanKindsAsync()
    {
        using IChatClient client = ChatScripts.Answering().UseMyelinTracing(o => o.ProviderName = "openai");
        using (Activity? agent = GenAiSpans.StartInvokeAgent("planner", "openai", agentId: "agent-1", conversationId: "conv-7"))
        {
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Capital of France?")], ChatScripts.FullOptions());
            using (GenAiSpans.StartExecuteTool("get_weather", callId: "call-1", description: "Weather by city"))
            {
            }

            await foreach (ChatResponseUpdate _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o" }))
            {
            }

            using (GenAiSpans.StartInvokeAgent("remote-helper", "azure.ai.inference", remote: true))
            {
            }
        }
    }
}
