using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Myelin.Core.Log;

namespace Myelin.Evals.Tracing;

/// <summary>
/// Converts spans to experience-log records: one <c>span</c> record per span, plus one <c>evaluation</c> record per
/// <c>gen_ai.evaluation.result</c> event. Idempotency keys derive from the trace and span ids, so a re-sent span is stored once.
/// </summary>
/// <remarks>
/// The span payload is <c>{traceId, spanId, parentSpanId, name, kind, startTime, endTime, durationMs, status:{code,message},
/// attributes:{...}, events:[{name,time,attributes}], resource:{...}, scope:{name,version}, userId, sessionId}</c>.
/// A payload over the log's size limit is written again with long strings shortened (and <c>"truncated": true</c>).
/// </remarks>
public static class SpanRecords
{
    private const int TruncatedStringLength = 4096;

    private static readonly SearchValues<char> s_controlChars = SearchValues.Create(
        [.. Enumerable.Range(0, 32).Select(i => (char)i), (char)127, .. Enumerable.Range(128, 32).Select(i => (char)i)]);

    /// <summary>Checks the span's ids, name, kind and times; returns a message naming the problem, or null when valid.</summary>
    public static string? Validate(SpanData span)
    {
        ArgumentNullException.ThrowIfNull(span);
        if (!IsHexId(span.TraceId, 32))
        {
            return $"traceId '{span.TraceId}' must be 32 hex characters, not all zero";
        }

        if (!IsHexId(span.SpanId, 16))
        {
            return $"span {span.TraceId}/{span.SpanId}: spanId must be 16 hex characters, not all zero";
        }

        if (span.ParentSpanId is not null && !IsHexId(span.ParentSpanId, 16))
        {
            return $"span {span.SpanId}: parentSpanId must be 16 hex characters";
        }

        if (string.IsNullOrWhiteSpace(span.Name) || span.Name.Length > 1024)
        {
            return $"span {span.SpanId}: name must be 1-1024 characters";
        }

        if (span.EndTime < span.StartTime)
        {
            return $"span {span.SpanId}: endTime is before startTime";
        }

        return null;
    }

    /// <summary>The records for one valid span: the span itself, then its evaluation results.</summary>
    /// <exception cref="Myelin.Core.MyelinValidationException">The span is invalid (see <see cref="Validate"/>).</exception>
    public static IEnumerable<NewExperienceRecord> ToRecords(SpanData span)
    {
        using var json = new SpanJsonBuffer();
        var records = new List<NewExperienceRecord>(1);
        AddRecords(span, json, records);
        return records;
    }

    /// <summary>Adds the records of one valid span to <paramref name="records"/>, the span's first, writing JSON through <paramref name="json"/>.</summary>
    /// <returns>True when the span payload was over the log's size limit and was written again with long strings shortened.</returns>
    /// <exception cref="Myelin.Core.MyelinValidationException">The span is invalid (see <see cref="Validate"/>).</exception>
    internal static bool AddRecords(SpanData span, SpanJsonBuffer json, List<NewExperienceRecord> records)
    {
        if (Validate(span) is { } error)
        {
            throw new Myelin.Core.MyelinValidationException("invalid_span", error);
        }

        string traceId = span.TraceId.ToLowerInvariant();
        string spanId = span.SpanId.ToLowerInvariant();
        string? session = Clip(span.SessionId);
        string payload = WriteSpan(json, span, traceId, spanId, int.MaxValue);
        bool truncated = json.ByteCount > ExperienceRecordRules.MaxPayloadBytes;
        if (truncated)
        {
            payload = WriteSpan(json, span, traceId, spanId, TruncatedStringLength);
        }

        records.Add(new NewExperienceRecord(ExperienceKinds.Span, payload, span.StartTime, traceId, session, IdempotencyKey: $"span:{traceId}:{spanId}"));
        for (int i = 0; i < span.Events.Count; i++)
        {
            SpanEventData e = span.Events[i];
            if (e.Name == GenAiAttributes.EvaluationResultEvent)
            {
                records.Add(new NewExperienceRecord(
                    ExperienceKinds.Evaluation, EvaluationPayload(json, span, e, traceId, spanId), e.Time, traceId, session,
                    IdempotencyKey: $"eval:{traceId}:{spanId}:{i}"));
            }
        }

        return truncated;
    }

    /// <summary>Writes an attribute value as JSON: strings, booleans, integers, doubles and arrays of them; anything else as text.</summary>
    public static void WriteValue(Utf8JsonWriter writer, object? value, int maxString = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s.Length > maxString ? s[..maxString] : s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int or long or short or byte or sbyte or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong ul:
                writer.WriteNumberValue(ul);
                break;
            case double or float when double.IsFinite(Convert.ToDouble(value, CultureInfo.InvariantCulture)):
                WriteDouble(writer, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case double or float:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case System.Collections.IEnumerable items:
                writer.WriteStartArray();
                foreach (object? item in items)
                {
                    WriteValue(writer, item, maxString);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        // An integral double keeps a ".0" so readers of the stored span can still tell a double attribute from an int one.
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            writer.WriteRawValue(value.ToString("F1", CultureInfo.InvariantCulture), skipInputValidation: true);
            return;
        }

        writer.WriteNumberValue(value);
    }

    private static string WriteSpan(SpanJsonBuffer json, SpanData span, string traceId, string spanId, int maxString)
    {
        Utf8JsonWriter w = json.Start();
        w.WriteStartObject();
        w.WriteString("traceId", traceId);
        w.WriteString("spanId", spanId);
        w.WriteString("parentSpanId", span.ParentSpanId?.ToLowerInvariant());
        w.WriteString("name", span.Name);
        w.WriteString("kind", span.Kind);
        w.WriteString("startTime", span.StartTime.ToUniversalTime());
        w.WriteString("endTime", span.EndTime.ToUniversalTime());
        w.WriteNumber("durationMs", (span.EndTime - span.StartTime).TotalMilliseconds);
        w.WriteStartObject("status");
        w.WriteString("code", span.StatusCode);
        if (span.StatusMessage is not null)
        {
            w.WriteString("message", span.StatusMessage);
        }

        w.WriteEndObject();
        WriteAttributes(w, "attributes", span.Attributes, maxString);
        w.WriteStartArray("events");
        foreach (SpanEventData e in span.Events)
        {
            w.WriteStartObject();
            w.WriteString("name", e.Name);
            w.WriteString("time", e.Time.ToUniversalTime());
            WriteAttributes(w, "attributes", e.Attributes, maxString);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteAttributes(w, "resource", span.Resource, maxString);
        w.WriteStartObject("scope");
        w.WriteString("name", span.ScopeName);
        w.WriteString("version", span.ScopeVersion);
        w.WriteEndObject();
        w.WriteString("userId", span.UserId);
        w.WriteString("sessionId", span.SessionId);
        if (maxString != int.MaxValue)
        {
            w.WriteBoolean("truncated", true);
        }

        w.WriteEndObject();
        return json.Finish();
    }

    private static string EvaluationPayload(SpanJsonBuffer json, SpanData span, SpanEventData e, string traceId, string spanId)
    {
        Utf8JsonWriter w = json.Start();
        w.WriteStartObject();
        w.WriteString("name", e.Find(GenAiAttributes.EvaluationName) as string);
        w.WritePropertyName("scoreValue");
        WriteValue(w, e.Find(GenAiAttributes.EvaluationScoreValue));
        w.WriteString("scoreLabel", e.Find(GenAiAttributes.EvaluationScoreLabel) as string);
        w.WriteString("explanation", e.Find(GenAiAttributes.EvaluationExplanation) as string);
        w.WriteString("responseId", e.Find(GenAiAttributes.ResponseId) as string ?? span.Find(GenAiAttributes.ResponseId) as string);
        w.WriteString("errorType", e.Find(GenAiAttributes.ErrorType) as string);
        w.WriteString("traceId", traceId);
        w.WriteString("spanId", spanId);
        w.WriteString("time", e.Time.ToUniversalTime());
        w.WriteString("source", "span_event");
        WriteAttributes(w, "attributes", e.Attributes, TruncatedStringLength);
        w.WriteEndObject();
        return json.Finish();
    }

    private static void WriteAttributes(Utf8JsonWriter w, string property, IReadOnlyList<KeyValuePair<string, object?>> attributes, int maxString)
    {
        w.WriteStartObject(property);
        HashSet<string>? seen = attributes.Count > 8 ? new HashSet<string>(StringComparer.Ordinal) : null;
        for (int i = 0; i < attributes.Count; i++)
        {
            // Duplicate keys would make invalid-for-most-readers JSON; the first value wins, as OpenTelemetry specifies.
            string key = attributes[i].Key;
            if (seen is not null ? !seen.Add(key) : IsEarlierKey(attributes, i))
            {
                continue;
            }

            w.WritePropertyName(key);
            WriteValue(w, attributes[i].Value, maxString);
        }

        w.WriteEndObject();
    }

    private static bool IsEarlierKey(IReadOnlyList<KeyValuePair<string, object?>> attributes, int index)
    {
        for (int j = 0; j < index; j++)
        {
            if (string.Equals(attributes[j].Key, attributes[index].Key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string? Clip(string? id)
    {
        // A session id the log would refuse must not cost the span: it stays in the attributes, only the index column is dropped.
        if (id is null || id.AsSpan().ContainsAny(s_controlChars))
        {
            return null;
        }

        return id.Length <= ExperienceRecordRules.MaxIdLength ? id : id[..ExperienceRecordRules.MaxIdLength];
    }

    private static bool IsHexId(string? id, int length)
    {
        if (id is null || id.Length != length)
        {
            return false;
        }

        bool nonZero = false;
        foreach (char c in id)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }

            nonZero |= c != '0';
        }

        return nonZero;
    }
}
