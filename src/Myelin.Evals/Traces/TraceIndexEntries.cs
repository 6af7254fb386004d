using System.Globalization;
using System.Text.Json;
using Myelin.Core.Log;
using Myelin.Evals.Tracing;

namespace Myelin.Evals.Traces;

/// <summary>
/// The index fields of a span, either read back from its stored payload (catch-up from the log) or taken from the span
/// in memory as it is appended (<see cref="FromSpan"/>). Both must give the same entry for the same span, so
/// <see cref="FromSpan"/> mirrors how <see cref="SpanRecords"/> writes each field and how <see cref="FromPayload"/> reads it.
/// </summary>
internal static class TraceIndexEntries
{
    /// <summary>The entry of a stored span payload; null when the payload is not a span (e.g. written by hand via the log API).</summary>
    public static TraceIndexEntry? FromPayload(string payloadJson, string? recordSessionId)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(payloadJson);
            JsonElement p = document.RootElement;
            if (p.ValueKind != JsonValueKind.Object
                || Str(p, "traceId") is not { } traceId || Str(p, "spanId") is not { } spanId
                || !p.TryGetProperty("startTime", out JsonElement startElement) || !startElement.TryGetDateTimeOffset(out DateTimeOffset start))
            {
                return null;
            }

            DateTimeOffset end = p.TryGetProperty("endTime", out JsonElement endElement) && endElement.TryGetDateTimeOffset(out DateTimeOffset e) ? e : start;
            JsonElement attributes = p.TryGetProperty("attributes", out JsonElement a) && a.ValueKind == JsonValueKind.Object ? a : default;
            var models = new SortedSet<string>(StringComparer.Ordinal);
            AddModel(models, Str(attributes, GenAiAttributes.RequestModel));
            AddModel(models, Str(attributes, GenAiAttributes.ResponseModel));
            string? service = p.TryGetProperty("resource", out JsonElement resource) && resource.ValueKind == JsonValueKind.Object
                ? Str(resource, "service.name")
                : null;
            return new TraceIndexEntry(
                traceId,
                spanId,
                Str(p, "parentSpanId") is null,
                Str(p, "name") ?? "",
                start,
                end < start ? start : end,
                p.TryGetProperty("status", out JsonElement status) && status.ValueKind == JsonValueKind.Object && Str(status, "code") == "error",
                recordSessionId ?? Str(p, "sessionId"),
                Str(p, "userId"),
                [.. models],
                Long(attributes, GenAiAttributes.UsageInputTokens),
                Long(attributes, GenAiAttributes.UsageOutputTokens),
                attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty(GenAiAttributes.CostUsd, out JsonElement cost)
                    && cost.ValueKind == JsonValueKind.Number ? cost.GetDouble() : 0,
                service);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The entry of a valid span whose <c>span</c> record is <paramref name="spanRecord"/>, without writing or parsing JSON:
    /// the same entry <see cref="FromPayload"/> gives for that record. A shortened payload (over the log's size limit) is
    /// read back instead, since shortening changes the strings it holds.
    /// </summary>
    public static TraceIndexEntry? FromSpan(SpanData span, NewExperienceRecord spanRecord, bool payloadTruncated)
    {
        if (payloadTruncated)
        {
            return FromPayload(spanRecord.PayloadJson, spanRecord.SessionId);
        }

        var models = new SortedSet<string>(StringComparer.Ordinal);
        AddModel(models, JsonString(span.Find(GenAiAttributes.RequestModel)));
        AddModel(models, JsonString(span.Find(GenAiAttributes.ResponseModel)));
        return new TraceIndexEntry(
            span.TraceId.ToLowerInvariant(),
            span.SpanId.ToLowerInvariant(),
            span.ParentSpanId is null,
            span.Name,
            span.StartTime,
            span.EndTime < span.StartTime ? span.StartTime : span.EndTime,
            string.Equals(span.StatusCode, "error", StringComparison.Ordinal),
            spanRecord.SessionId ?? span.SessionId,
            span.UserId,
            [.. models],
            Long(span.Find(GenAiAttributes.UsageInputTokens)),
            Long(span.Find(GenAiAttributes.UsageOutputTokens)),
            Double(span.Find(GenAiAttributes.CostUsd)),
            FirstString(span.Resource, "service.name"));
    }

    private static void AddModel(SortedSet<string> models, string? model)
    {
        if (model is { Length: > 0 })
        {
            models.Add(model);
        }
    }

    private static long Long(JsonElement attributes, string name)
    {
        if (attributes.ValueKind != JsonValueKind.Object || !attributes.TryGetProperty(name, out JsonElement value))
        {
            return 0;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out long l) => l,
            JsonValueKind.Number => (long)value.GetDouble(),
            JsonValueKind.String => ParseLong(value.GetString()),
            _ => 0,
        };
    }

    // What Long(JsonElement) reads from the JSON SpanRecords.WriteValue writes for each attribute value type.
    private static long Long(object? value) => value switch
    {
        int or long or short or byte or sbyte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong ul => ul <= long.MaxValue ? (long)ul : (long)(double)ul,
        double or float when double.IsFinite(Convert.ToDouble(value, CultureInfo.InvariantCulture)) =>
            (long)Convert.ToDouble(value, CultureInfo.InvariantCulture),
        decimal m => decimal.Truncate(m) == m && m is >= long.MinValue and <= long.MaxValue ? (long)m : (long)Double(m),
        _ => ParseLong(JsonString(value)),
    };

    // The cost is read only from JSON numbers: strings, booleans, arrays and non-finite doubles (written as strings) give 0.
    private static double Double(object? value) => value switch
    {
        int or long or short or byte or sbyte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong ul => ul,
        double or float when double.IsFinite(Convert.ToDouble(value, CultureInfo.InvariantCulture)) =>
            Convert.ToDouble(value, CultureInfo.InvariantCulture),
        decimal m => double.Parse(m.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        _ => 0,
    };

    private static long ParseLong(string? text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) ? l : 0;

    // The text a value is stored as when SpanRecords.WriteValue writes it as a JSON string, else null.
    private static string? JsonString(object? value) => value switch
    {
        string s => s,
        double or float when !double.IsFinite(Convert.ToDouble(value, CultureInfo.InvariantCulture)) =>
            Convert.ToString(value, CultureInfo.InvariantCulture),
        null or bool or int or long or short or byte or sbyte or ushort or uint or ulong or double or float or decimal
            or System.Collections.IEnumerable => null,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static string? FirstString(IReadOnlyList<KeyValuePair<string, object?>> attributes, string name)
    {
        foreach (KeyValuePair<string, object?> attribute in attributes)
        {
            if (string.Equals(attribute.Key, name, StringComparison.Ordinal))
            {
                return JsonString(attribute.Value);
            }
        }

        return null;
    }

    private static string? Str(JsonElement owner, string name) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
