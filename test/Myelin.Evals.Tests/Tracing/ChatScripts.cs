using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Myelin.Evals.Tracing;

/// <summary>Canned fakes shared by the tracing tests.</summary>
public static class ChatScripts
{
    public static TestChatClient Answering(string text = "Paris", string model = "gpt-4o-2024-08-06") => new()
    {
        Metadata = new ChatClientMetadata("openai", new Uri("http://models.local:8080/v1"), "gpt-4o"),
        GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ResponseId = "resp-1",
            ModelId = model,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = 1200, OutputTokenCount = 300, CachedInputTokenCount = 200 },
        }),
        GetStreamingResponseAsyncCallback = (_, _, ct) => Stream(text, model, ct),
    };

    public static ChatOptions FullOptions() => new()
    {
        ModelId = "gpt-4o",
        Temperature = 0.7f,
        TopP = 0.9f,
        TopK = 40,
        MaxOutputTokens = 256,
        FrequencyPenalty = 0.1f,
        PresencePenalty = 0.2f,
        Seed = 42,
        StopSequences = ["\n\n"],
        ConversationId = "conv-7",
        ResponseFormat = ChatResponseFormat.Json,
        AdditionalProperties = new AdditionalPropertiesDictionary { ["user.id"] = "user-3" },
    };

    private static async IAsyncEnumerable<ChatResponseUpdate> Stream(string text, string model, [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (string piece in text.Chunk(2).Select(c => new string(c)))
        {
            await Task.Yield();
            ct.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { ResponseId = "resp-s", ModelId = model };
        }

        yield return new ChatResponseUpdate
        {
            ResponseId = "resp-s",
            ModelId = model,
            FinishReason = ChatFinishReason.Length,
            Contents = [new UsageContent(new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 })],
        };
    }
}
