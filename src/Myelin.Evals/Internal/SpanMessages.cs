using System.Text;
using System.Text.Json;

namespace Myelin.Evals.Internal;

/// <summary>Reads GenAI message attributes (<c>gen_ai.input.messages</c> and friends) of a stored span as (role, text) pairs.</summary>
internal static class SpanMessages
{
    public static List<(string Role, string Text)>? Read(JsonElement attributes, string name)
    {
        if (!attributes.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        // Our tracer stores the messages as a JSON string; OTLP senders may also send them structured.
        JsonElement messages = value;
        JsonDocument? owned = null;
        try
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                try
                {
                    owned = JsonDocument.Parse(value.GetString()!);
                    messages = owned.RootElement;
                }
                catch (JsonException)
                {
                    return [("user", value.GetString()!)];
                }
            }

            if (messages.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var result = new List<(string, string)>();
            foreach (JsonElement message in messages.EnumerateArray())
            {
                result.Add(MessageText(message));
            }

            return result;
        }
        finally
        {
            owned?.Dispose();
        }
    }

    private static (string Role, string Text) MessageText(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return ("user", message.ValueKind == JsonValueKind.String ? message.GetString()! : string.Empty);
        }

        string role = message.TryGetProperty("role", out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "system";
        var text = new StringBuilder();
        if (message.TryGetProperty("parts", out JsonElement parts) && parts.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement part in parts.EnumerateArray())
            {
                string? type = part.TryGetProperty("type", out JsonElement t) ? t.GetString() : null;
                string? content = type switch
                {
                    "text" when part.TryGetProperty("content", out JsonElement c) && c.ValueKind == JsonValueKind.String => c.GetString(),
                    "tool_call_response" when part.TryGetProperty("response", out JsonElement c) && c.ValueKind == JsonValueKind.String => c.GetString(),
                    _ => null,
                };
                if (content is not null)
                {
                    text.Append(text.Length > 0 ? "\n" : string.Empty).Append(content);
                }
            }
        }
        else if (message.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String)
        {
            text.Append(content.GetString());
        }

        return (role, text.ToString());
    }
}
