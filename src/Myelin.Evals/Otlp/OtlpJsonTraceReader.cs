using System.Globalization;
using System.Text.Json;
using Myelin.Core;
using Myelin.Evals.Internal;
using Myelin.Evals.Tracing;

namespace Myelin.Evals.Otlp;

/// <summary>Reads an OTLP <c>ExportTraceServiceRequest</c> in OTLP/JSON (OTLP/HTTP, <c>application/json</c>).</summary>
/// <remarks>
/// Follows the OTLP/JSON mapping: lowerCamelCase keys, trace and span ids as hex strings, 64-bit integers as strings or
/// numbers, enums as integers (their names are accepted too), unknown fields ignored. Structural errors (a field of the
/// wrong JSON type) throw; whether a span's content is acceptable is left to <see cref="SpanRecords.Validate"/>.
/// </remarks>
public static class OtlpJsonTraceReader
{
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = 64 };

    /// <summary>Parses the request.</summary>
    /// <exception cref="MyelinValidationException">The body is not JSON, or not shaped like an export request.</exception>
    public static IReadOnlyList<SpanData> Read(ReadOnlyMemory<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, s_options);
        }
        catch (JsonException ex)
        {
            throw new MyelinValidationException("invalid_json", "The OTLP/JSON body is not valid JSON: " + ex.Message);
        }

        using (document)
        {
            JsonElement root = Object(document.RootElement, "the body");
            var spans = new List<SpanData>();
            foreach (JsonElement resourceSpans in Array(root, "resourceSpans"))
            {
                Object(resourceSpans, "resourceSpans[]");
                List<KeyValuePair<string, object?>> resource = resourceSpans.TryGetProperty("resource", out JsonElement r)
                    ? Attributes(Object(r, "resource"))
                    : [];
                foreach (JsonElement scopeSpans in Array(resourceSpans, "scopeSpans"))
                {
                    Object(scopeSpans, "scopeSpans[]");
                    string? scopeName = null, scopeVersion = null;
                    if (scopeSpans.TryGetProperty("scope", out JsonElement scope))
                    {
                        scopeName = String(Object(scope, "scope"), "name");
                        scopeVersion = String(scope, "version");
                    }

                    foreach (JsonElement span in Array(scopeSpans, "spans"))
                    {
                        spans.Add(ReadSpan(Object(span, "spans[]"), resource, scopeName, scopeVersion));
                    }
                }
            }

            return spans;
        }
    }

    private static SpanData ReadSpan(JsonElement span, List<KeyValuePair<string, object?>> resource, string? scopeName, string? scopeVersion)
    {
        string? parent = String(span, "parentSpanId");
        int statusCode = 0;
        string? statusMessage = null;
        if (span.TryGetProperty("status", out JsonElement status))
        {
            Object(status, "status");
            statusCode = Enum(status, "code", OtlpNames.StatusFromName);
            statusMessage = String(status, "message");
        }

        var events = new List<SpanEventData>();
        foreach (JsonElement e in Array(span, "events"))
        {
            Object(e, "events[]");
            events.Add(new SpanEventData(String(e, "name") ?? "", OtlpNames.Time(UInt64(e, "timeUnixNano")), Attributes(e)));
        }

        return new SpanData(
            (String(span, "traceId") ?? "").ToLowerInvariant(),
            (String(span, "spanId") ?? "").ToLowerInvariant(),
            string.IsNullOrEmpty(parent) ? null : parent.ToLowerInvariant(),
            String(span, "name") ?? "",
            OtlpNames.Kind(Enum(span, "kind", OtlpNames.KindFromName)),
            OtlpNames.Time(UInt64(span, "startTimeUnixNano")),
            OtlpNames.Time(UInt64(span, "endTimeUnixNano")),
            OtlpNames.Status(statusCode),
            string.IsNullOrEmpty(statusMessage) ? null : statusMessage,
            Attributes(span),
            events,
            resource,
            scopeName,
            scopeVersion);
    }

    private static List<KeyValuePair<string, object?>> Attributes(JsonElement owner)
    {
        var attributes = new List<KeyValuePair<string, object?>>();
        foreach (JsonElement kv in Array(owner, "attributes"))
        {
            attributes.Add(KeyValue(kv, 0));
        }

        return attributes;
    }

    private static KeyValuePair<string, object?> KeyValue(JsonElement kv, int depth)
    {
        Object(kv, "attributes[]");
        string key = String(kv, "key") ?? "";
        object? value = kv.TryGetProperty("value", out JsonElement v) ? AnyValue(v, depth) : null;
        return new(key, value);
    }

    private static object? AnyValue(JsonElement value, int depth)
    {
        if (depth >= OtlpProtobufTraceReader.MaxValueDepth)
        {
            throw Invalid($"attribute values nest deeper than {OtlpProtobufTraceReader.MaxValueDepth}");
        }

        Object(value, "value");
        foreach (JsonProperty p in value.EnumerateObject())
        {
            switch (p.Name)
            {
                case "stringValue":
                    return p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : throw Invalid("stringValue must be a string");
                case "boolValue":
                    return p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False ? p.Value.GetBoolean() : throw Invalid("boolValue must be a boolean");
                case "intValue":
                    return Int64(p.Value, "intValue");
                case "doubleValue":
                    return Double(p.Value);
                case "bytesValue":
                    return p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : throw Invalid("bytesValue must be a base64 string");
                case "arrayValue":
                    var items = new List<object?>();
                    foreach (JsonElement item in Array(Object(p.Value, "arrayValue"), "values"))
                    {
                        items.Add(AnyValue(item, depth + 1));
                    }

                    return OtlpNames.Homogeneous(items);
                case "kvlistValue":
                    var pairs = new List<KeyValuePair<string, object?>>();
                    foreach (JsonElement item in Array(Object(p.Value, "kvlistValue"), "values"))
                    {
                        pairs.Add(KeyValue(item, depth + 1));
                    }

                    return OtlpNames.MapJson(pairs);
                default:
                    break;
            }
        }

        return null;
    }

    private static double Double(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String when value.GetString() is "NaN" => double.NaN,
        JsonValueKind.String when value.GetString() is "Infinity" => double.PositiveInfinity,
        JsonValueKind.String when value.GetString() is "-Infinity" => double.NegativeInfinity,
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        _ => throw Invalid("doubleValue must be a number"),
    };

    private static long Int64(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out long l) => l,
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) => l,
        _ => throw Invalid($"{field} must be a 64-bit integer (number or decimal string)"),
    };

    private static ulong UInt64(JsonElement owner, string field)
    {
        if (!owner.TryGetProperty(field, out JsonElement value))
        {
            return 0;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetUInt64(out ulong u) => u,
            JsonValueKind.String when ulong.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong u) => u,
            _ => throw Invalid($"{field} must be an unsigned 64-bit integer (number or decimal string)"),
        };
    }

    private static int Enum(JsonElement owner, string field, Func<string, int> byName)
    {
        if (!owner.TryGetProperty(field, out JsonElement value))
        {
            return 0;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out int i) => i,
            JsonValueKind.String => byName(value.GetString()!),
            _ => throw Invalid($"{field} must be an integer enum value"),
        };
    }

    private static string? String(JsonElement owner, string field)
    {
        if (!owner.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid($"'{field}' must be a string");
    }

    private static IEnumerable<JsonElement> Array(JsonElement owner, string field)
    {
        if (!owner.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : throw Invalid($"'{field}' must be an array");
    }

    private static JsonElement Object(JsonElement value, string what) =>
        value.ValueKind == JsonValueKind.Object ? value : throw Invalid($"{what} must be a JSON object");

    private static MyelinValidationException Invalid(string message) => new("invalid_otlp", $"The OTLP/JSON body is malformed: {message}.");
}
