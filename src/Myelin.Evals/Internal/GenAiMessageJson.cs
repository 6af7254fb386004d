using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Myelin.Evals.Internal;

/// <summary>Writes chat messages in the JSON shape the GenAI conventions define for <c>gen_ai.input.messages</c> and friends.</summary>
internal static class GenAiMessageJson
{
    public static string Input(IReadOnlyList<ChatMessage> messages) => Write(w =>
    {
        w.WriteStartArray();
        foreach (ChatMessage message in messages)
        {
            WriteMessage(w, message, finishReason: null);
        }

        w.WriteEndArray();
    });

    public static string Output(ChatResponse response) => Write(w =>
    {
        w.WriteStartArray();
        foreach (ChatMessage message in response.Messages)
        {
            WriteMessage(w, message, response.FinishReason?.Value ?? "stop");
        }

        w.WriteEndArray();
    });

    public static string Instructions(string instructions) => Write(w =>
    {
        w.WriteStartArray();
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WriteString("content", instructions);
        w.WriteEndObject();
        w.WriteEndArray();
    });

    private static void WriteMessage(Utf8JsonWriter w, ChatMessage message, string? finishReason)
    {
        w.WriteStartObject();
        w.WriteString("role", message.Role.Value);
        w.WriteStartArray("parts");
        foreach (AIContent content in message.Contents)
        {
            WritePart(w, content);
        }

        w.WriteEndArray();
        if (finishReason is not null)
        {
            w.WriteString("finish_reason", finishReason);
        }

        w.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter w, AIContent content)
    {
        w.WriteStartObject();
        switch (content)
        {
            case TextContent text:
                w.WriteString("type", "text");
                w.WriteString("content", text.Text);
                break;
            case TextReasoningContent reasoning:
                w.WriteString("type", "reasoning");
                w.WriteString("content", reasoning.Text);
                break;
            case FunctionCallContent call:
                w.WriteString("type", "tool_call");
                w.WriteString("id", call.CallId);
                w.WriteString("name", call.Name);
                w.WriteStartObject("arguments");
                foreach (KeyValuePair<string, object?> argument in call.Arguments ?? new Dictionary<string, object?>())
                {
                    w.WriteString(argument.Key, Convert.ToString(argument.Value, System.Globalization.CultureInfo.InvariantCulture));
                }

                w.WriteEndObject();
                break;
            case FunctionResultContent result:
                w.WriteString("type", "tool_call_response");
                w.WriteString("id", result.CallId);
                w.WriteString("response", Convert.ToString(result.Result, System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                w.WriteString("type", content.GetType().Name);
                break;
        }

        w.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            body(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
