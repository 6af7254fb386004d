using Myelin.Core;
using Myelin.Evals.Internal;
using Myelin.Evals.Tracing;

namespace Myelin.Evals.Otlp;

/// <summary>Reads an OTLP <c>ExportTraceServiceRequest</c> in protobuf wire format (OTLP/HTTP, <c>application/x-protobuf</c>).</summary>
/// <remarks>
/// Hand-written over the wire format of <c>opentelemetry/proto/trace/v1/trace.proto</c>: unknown fields are skipped as
/// protobuf requires, links are ignored, nested values deeper than <see cref="MaxValueDepth"/> are refused. Ids are
/// returned as lowercase hex exactly as sent; <see cref="SpanRecords.Validate"/> decides whether a span is acceptable.
/// </remarks>
public static class OtlpProtobufTraceReader
{
    /// <summary>How deeply array and key-value-list attribute values may nest.</summary>
    public const int MaxValueDepth = 16;

    /// <summary>Parses the request.</summary>
    /// <exception cref="MyelinValidationException">The bytes are not a well-formed request.</exception>
    public static IReadOnlyList<SpanData> Read(ReadOnlySpan<byte> body)
    {
        var spans = new List<SpanData>();
        var reader = new ProtoReader(body);
        while (!reader.End)
        {
            (int field, int wire) = reader.ReadTag();
            if (field == 1)
            {
                reader.Expect(wire, ProtoReader.LengthDelimited, "resource_spans");
                ReadResourceSpans(reader.ReadMessage(), spans);
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return spans;
    }

    private static void ReadResourceSpans(ProtoReader reader, List<SpanData> spans)
    {
        List<KeyValuePair<string, object?>> resource = [];
        var scopeReaders = new List<byte[]>();
        while (!reader.End)
        {
            (int field, int wire) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    reader.Expect(wire, ProtoReader.LengthDelimited, "resource");
                    resource = ReadAttributesMessage(reader.ReadMessage(), attributesField: 1);
                    break;
                case 2:
                    // Resource may come after its scope spans on the wire; keep the bytes and read them once the resource is known.
                    reader.Expect(wire, ProtoReader.LengthDelimited, "scope_spans");
                    scopeReaders.Add(reader.ReadBytes().ToArray());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        foreach (byte[] scope in scopeReaders)
        {
            ReadScopeSpans(new ProtoReader(scope), resource, spans);
        }
    }

    private static void ReadScopeSpans(ProtoReader reader, List<KeyValuePair<string, object?>> resource, List<SpanData> spans)
    {
        string? scopeName = null, scopeVersion = null;
        var raw = new List<byte[]>();
        while (!reader.End)
        {
            (int field, int wire) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    reader.Expect(wire, ProtoReader.LengthDelimited, "scope");
                    (scopeName, scopeVersion) = ReadScope(reader.ReadMessage());
                    break;
                case 2:
                    reader.Expect(wire, ProtoReader.LengthDelimited, "spans");
                    raw.Add(reader.ReadBytes().ToArray());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        foreach (byte[] span in raw)
        {
            spans.Add(ReadSpan(new ProtoReader(span), resource, scopeName, scopeVersion));
        }
    }

    private static (string? Name, string? Version) ReadScope(ProtoReader reader)
    {
        string? name = null, version = null;
        while (!reader.End)
        {
            (int field, int wire) = reader.ReadTag();
            if (field is 1 or 2 && wire == ProtoReader.LengthDelimited)
            {
                string value = reader.ReadString();
                (name, version) = field == 1 ? (value, version) : (name, value);
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return (name, version);
    }

    private static SpanData ReadSpan(ProtoReader reader, List<KeyValuePair<string, object?>> resource, string? scopeName, string? scopeVersion)
    {
        string traceId = "", spanId = "", name = "";
        string? parent = null, statusMessage = null;
        int kind = 0, statusCode = 0;
        ulong start = 0, end = 0;
        var attributes = new List<KeyValuePair<string, object?>>();
        var events = new List<SpanEventData>();
        while (!reader.End)
        {
            (int field, int wire) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    reader.Expect(wire, ProtoReader.LengthDelimited, "trace_id");
                    traceId = Convert.ToHexStringLower(reader.ReadBytes());
                    break;
                case 2:
                    reader.Expect(wire, ProtoReader.LengthDelimited, "span_id");
                    spanId = Convert.ToHexStringLower(reader.ReadBytes());
                    break;
                case 4:
                    reader.Expect(wire, ProtoReader.LengthDelimited, "parent_span_id");
                    ReadOnlySpan<byte> parentBytes = reader.ReadBytes();
                    parent = parentBytes.IsEmpty ? null : Convert.ToHexStringLower(parentBytes);
                    break;
                case 5:
                    reader.Expect(wire, ProtoReader.LengthDelimited, "name");
                    name = reader.ReadString();
                    break;
                case 6:
                    reader.Expect(wire, ProtoReader.Varint, "kind");
                    kind = (int)Math.Min(reader.ReadVarint(), int.MaxValue);
                    break;
                case 7:
                    reader.Expect(wire, ProtoReader.Fixed64, "start_time_unix_nano");
                    start = reader.ReadFixed64();
                    break;
                case 8:
                    reader.Expect(wire, ProtoReader.Fixed64, "end_time_unix_nano");
                    end = reader.ReadFixed64();
                    break;
                case 9:
                    reader.Expect(wire, ProtoReader.LengthDelimited, "attributes");
                    attributes.Add(ReadKeyValue(reader.ReadMessage(), 0));
                    break;
                case 11:
                    reader.Expect(wire, ProtoReader.LengthDelimited, "events");
                    events.Add(ReadEvent(reader.ReadMessage()));
                    break;
                case 15:
                    reader.Expect(wire, ProtoReader.LengthDelimited, "status");
                    (statusCode, statusMessage) = ReadStatus(reader.ReadMessage());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new SpanData(
            traceId, spanId, parent, name, OtlpNames.Kind(kind), OtlpNames.Time(start), OtlpNames.Time(end),
            OtlpNames.Status(statusCode), statusMessage, attributes, events, resource, scopeName, scopeVersion);
    }

    private static SpanEventData ReadEvent(ProtoReader reader)
    {
        ulong time = 0;
        string name = "";
        var attributes = new List<KeyValuePair<string, object?>>();
        while (!reader.End)
        {
            (int field, int wire) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    reader.Expect(wire, ProtoReader.Fixed64, "event.time_unix_nano");
                    time = reader.ReadFixed64();
                    break;
                case 2:
                    reader.Expect(wire, ProtoReader.LengthDelimited, "event.name");
                    name = reader.ReadString();
                    break;
                case 3:
                    reader.Expect(wire, ProtoReader.LengthDelimited, "event.attributes");
                    attributes.Add(ReadKeyValue(reader.ReadMessage(), 0));
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new SpanEventData(name, OtlpNames.Time(time), attributes);
    }

    private static (int Code, string? Message) ReadStatus(ProtoReader reader)
    {
        int code = 0;
        string? message = null;
        while (!reader.End)
        {
            (int field, int wire) = reader.ReadTag();
            if (field == 2 && wire == ProtoReader.LengthDelimited)
            {
                message = reader.ReadString();
            }
            else if (field == 3 && wire == ProtoReader.Varint)
            {
                code = (int)Math.Min(reader.ReadVarint(), int.MaxValue);
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return (code, string.IsNullOrEmpty(message) ? null : message);
    }

    private static List<KeyValuePair<string, object?>> ReadAttributesMessage(ProtoReader reader, int attributesField)
    {
        var attributes = new List<KeyValuePair<string, object?>>();
        while (!reader.End)
        {
            (int field, int wire) = reader.ReadTag();
            if (field == attributesField && wire == ProtoReader.LengthDelimited)
            {
                attributes.Add(ReadKeyValue(reader.ReadMessage(), 0));
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return attributes;
    }

    private static KeyValuePair<string, object?> ReadKeyValue(ProtoReader reader, int depth)
    {
        string key = "";
        object? value = null;
        while (!reader.End)
        {
            (int field, int wire) = reader.ReadTag();
            if (field == 1 && wire == ProtoReader.LengthDelimited)
            {
                key = reader.ReadString();
            }
            else if (field == 2 && wire == ProtoReader.LengthDelimited)
            {
                value = ReadAnyValue(reader.ReadMessage(), depth);
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return new(key, value);
    }

    private static object? ReadAnyValue(ProtoReader reader, int depth)
    {
        if (depth >= MaxValueDepth)
        {
            throw reader.Error($"attribute values nest deeper than {MaxValueDepth}");
        }

        object? value = null;
        while (!reader.End)
        {
            (int field, int wire) = reader.ReadTag();
            value = (field, wire) switch
            {
                (1, ProtoReader.LengthDelimited) => reader.ReadString(),
                (2, ProtoReader.Varint) => reader.ReadVarint() != 0,
                (3, ProtoReader.Varint) => unchecked((long)reader.ReadVarint()),
                (4, ProtoReader.Fixed64) => reader.ReadDouble(),
                (5, ProtoReader.LengthDelimited) => ReadArray(reader.ReadMessage(), depth + 1),
                (6, ProtoReader.LengthDelimited) => ReadKeyValueList(reader.ReadMessage(), depth + 1),
                (7, ProtoReader.LengthDelimited) => Convert.ToBase64String(reader.ReadBytes()),
                _ => SkipAndKeep(ref reader, wire, value),
            };
        }

        return value;
    }

    private static object? SkipAndKeep(ref ProtoReader reader, int wire, object? value)
    {
        reader.Skip(wire);
        return value;
    }

    private static object ReadArray(ProtoReader reader, int depth)
    {
        var values = new List<object?>();
        while (!reader.End)
        {
            (int field, int wire) = reader.ReadTag();
            if (field == 1 && wire == ProtoReader.LengthDelimited)
            {
                values.Add(ReadAnyValue(reader.ReadMessage(), depth));
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return OtlpNames.Homogeneous(values);
    }

    private static string ReadKeyValueList(ProtoReader reader, int depth)
    {
        // A map value has no place among OpenTelemetry's primitive attribute types; it is kept as a JSON object string.
        var pairs = new List<KeyValuePair<string, object?>>();
        while (!reader.End)
        {
            (int field, int wire) = reader.ReadTag();
            if (field == 1 && wire == ProtoReader.LengthDelimited)
            {
                pairs.Add(ReadKeyValue(reader.ReadMessage(), depth));
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return OtlpNames.MapJson(pairs);
    }
}
