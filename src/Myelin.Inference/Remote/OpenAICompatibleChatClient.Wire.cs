using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Myelin.Inference.Remote;

/// <content>The wire format: building requests and reading responses, chunks, usage and errors.</content>
public sealed partial class OpenAICompatibleChatClient
{
    private HttpRequestMessage CreateRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("model", options?.ModelId ?? _options.Model);
            w.WriteStartArray("messages");
            foreach (ChatMessage message in messages)
            {
                w.WriteStartObject();
                w.WriteString("role", message.Role.Value);
                w.WriteString("content", message.Text);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            Optional(w, "temperature", options?.Temperature);
            Optional(w, "top_p", options?.TopP);
            Optional(w, "presence_penalty", options?.PresencePenalty);
            Optional(w, "frequency_penalty", options?.FrequencyPenalty);
            if (options?.MaxOutputTokens is { } max)
            {
                w.WriteNumber("max_tokens", max);
            }

            if (options?.Seed is { } seed)
            {
                w.WriteNumber("seed", seed);
            }

            if (options?.StopSequences is { Count: > 0 } stops)
            {
                w.WriteStartArray("stop");
                foreach (string stop in stops)
                {
                    w.WriteStringValue(stop);
                }

                w.WriteEndArray();
            }

            if (stream)
            {
                w.WriteBoolean("stream", true);
                w.WriteStartObject("stream_options");
                w.WriteBoolean("include_usage", true);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        var request = new HttpRequestMessage(HttpMethod.Post, _completions)
        {
            Content = new ByteArrayContent(buffer.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        if (_options.ApiKey is { } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    private static ChatResponseUpdate? ParseChunk(string data)
    {
        using JsonDocument chunk = JsonDocument.Parse(data);
        JsonElement root = chunk.RootElement;
        if (root.TryGetProperty("error", out JsonElement error))
        {
            throw new HttpRequestException("The server reported an error mid-stream: " + (String(error, "message") ?? error.GetRawText()));
        }

        var update = new ChatResponseUpdate { ResponseId = String(root, "id"), ModelId = String(root, "model"), Role = ChatRole.Assistant };
        if (root.TryGetProperty("choices", out JsonElement choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            JsonElement choice = choices[0];
            if (choice.TryGetProperty("delta", out JsonElement delta) && String(delta, "content") is { Length: > 0 } text)
            {
                update.Contents.Add(new TextContent(text));
            }

            update.FinishReason = Finish(String(choice, "finish_reason"));
        }

        if (root.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object)
        {
            update.Contents.Add(new UsageContent(Usage(usage)));
        }

        return update.Contents.Count > 0 || update.FinishReason is not null ? update : null;
    }

    private static UsageDetails Usage(JsonElement usage) => new()
    {
        InputTokenCount = Long(usage, "prompt_tokens"),
        OutputTokenCount = Long(usage, "completion_tokens"),
        TotalTokenCount = Long(usage, "total_tokens"),
        CachedInputTokenCount = usage.TryGetProperty("prompt_tokens_details", out JsonElement details) ? Long(details, "cached_tokens") : null,
    };

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string message = body;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            message = doc.RootElement.TryGetProperty("error", out JsonElement error) && String(error, "message") is { } m ? m
                : String(doc.RootElement, "detail") ?? body;
        }
        catch (JsonException)
        {
            // Not JSON: report the raw body.
        }

        throw new HttpRequestException($"The chat server answered {(int)response.StatusCode}: {message}", null, response.StatusCode);
    }

    private static void Optional(Utf8JsonWriter w, string name, float? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static ChatFinishReason? Finish(string? reason) => reason switch
    {
        null => null,
        "stop" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        "tool_calls" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason),
    };

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Long(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement v) && v.TryGetInt64(out long value) ? value : null;
}
