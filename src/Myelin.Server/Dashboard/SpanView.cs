using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Myelin.Server.Dashboard;

/// <summary>The parts of a stored span payload the trace pages show.</summary>
internal sealed record SpanView(
    string SpanId,
    int Depth,
    string Name,
    string Kind,
    DateTimeOffset Start,
    double DurationMs,
    string Status,
    long? InputTokens,
    long? OutputTokens,
    double? CostUsd,
    string? Model,
    string? InputMessages,
    string? OutputMessages,
    IReadOnlyList<KeyValuePair<string, string>> Attributes)
{
    public static SpanView From(string spanId, int depth, JsonElement span)
    {
        JsonElement attributes = span.TryGetProperty("attributes", out JsonElement a) && a.ValueKind == JsonValueKind.Object ? a : default;
        var list = new List<KeyValuePair<string, string>>();
        if (attributes.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in attributes.EnumerateObject())
            {
                list.Add(new(property.Name, property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText()));
            }
        }

        return new SpanView(
            spanId,
            depth,
            String(span, "name") ?? "(unnamed)",
            String(span, "kind") ?? string.Empty,
            span.TryGetProperty("startTime", out JsonElement start) && start.TryGetDateTimeOffset(out DateTimeOffset s) ? s : DateTimeOffset.MinValue,
            span.TryGetProperty("durationMs", out JsonElement d) && d.TryGetDouble(out double ms) ? ms : 0,
            span.TryGetProperty("status", out JsonElement status) && status.ValueKind == JsonValueKind.Object ? String(status, "code") ?? "unset" : "unset",
            Long(attributes, "gen_ai.usage.input_tokens"),
            Long(attributes, "gen_ai.usage.output_tokens"),
            Double(attributes, "myelin.cost.usd"),
            String(attributes, "gen_ai.response.model") ?? String(attributes, "gen_ai.request.model"),
            Raw(attributes, "gen_ai.input.messages"),
            Raw(attributes, "gen_ai.output.messages"),
            list);
    }

    public bool IsError => string.Equals(Status, "error", StringComparison.OrdinalIgnoreCase);

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Long(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement v) && v.TryGetInt64(out long value) ? value : null;

    private static double? Double(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement v) && v.TryGetDouble(out double value) ? value : null;

    private static string? Raw(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out JsonElement v))
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.String)
        {
            string text = v.GetString()!;
            try
            {
                using JsonDocument parsed = JsonDocument.Parse(text);
                return Conversation(parsed.RootElement) ?? Pretty(parsed.RootElement);
            }
            catch (JsonException)
            {
                return text;
            }
        }

        return Conversation(v) ?? Pretty(v);
    }

    /// <summary>GenAI messages (<c>[{role, parts:[{type:"text", content}]}]</c>) as "role: text" lines; null when not in that shape.</summary>
    private static string? Conversation(JsonElement messages)
    {
        if (messages.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (JsonElement message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object || String(message, "role") is not { } role)
            {
                return null;
            }

            text.Append(role).Append(": ");
            if (String(message, "content") is { } content)
            {
                text.Append(content);
            }
            else if (message.TryGetProperty("parts", out JsonElement parts) && parts.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement part in parts.EnumerateArray())
                {
                    text.Append(String(part, "content") ?? (part.ValueKind == JsonValueKind.Object ? "[" + String(part, "type") + "]" : part.GetRawText()));
                }
            }
            else
            {
                return null;
            }

            text.Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }

    private static string Pretty(JsonElement element)
    {
        // Relaxed escaping keeps non-ASCII text readable; the page HTML-encodes the result anyway.
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>Formats numbers the way the trace pages show them.</summary>
internal static class TraceFormat
{
    public static string Duration(double ms) => ms switch
    {
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{ms * 1000:F0} \u00b5s"),
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{ms:F1} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:F2} s"),
    };

    public static string Cost(double? usd) => usd is { } v ? string.Create(CultureInfo.InvariantCulture, $"${v:F6}") : "\u2013";

    public static string Tokens(long? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "\u2013";

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
