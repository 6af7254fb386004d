using System.Buffers;
using System.Text;
using System.Text.Json;
using Myelin.Evals.Tracing;

namespace Myelin.Evals.Internal;

/// <summary>Mappings shared by the OTLP protobuf and JSON readers.</summary>
internal static class OtlpNames
{
    public static string Kind(int kind) => kind switch
    {
        1 => "internal",
        2 => "server",
        3 => "client",
        4 => "producer",
        5 => "consumer",
        _ => "unspecified",
    };

    public static int KindFromName(string name) => name switch
    {
        "SPAN_KIND_INTERNAL" => 1,
        "SPAN_KIND_SERVER" => 2,
        "SPAN_KIND_CLIENT" => 3,
        "SPAN_KIND_PRODUCER" => 4,
        "SPAN_KIND_CONSUMER" => 5,
        _ => 0,
    };

    public static string Status(int code) => code switch
    {
        1 => "ok",
        2 => "error",
        _ => "unset",
    };

    public static int StatusFromName(string name) => name switch
    {
        "STATUS_CODE_OK" => 1,
        "STATUS_CODE_ERROR" => 2,
        _ => 0,
    };

    /// <summary>Unix nanoseconds to a time; 100 ns is the finest a <see cref="DateTimeOffset"/> holds.</summary>
    public static DateTimeOffset Time(ulong unixNanos) => DateTimeOffset.UnixEpoch.AddTicks((long)(unixNanos / 100));

    /// <summary>Arrays of one primitive type become typed arrays (as OpenTelemetry attribute arrays are); mixed ones stay object arrays.</summary>
    public static object Homogeneous(List<object?> values)
    {
        if (values.Count > 0 && values.TrueForAll(v => v is string))
        {
            return values.Cast<string>().ToArray();
        }

        if (values.Count > 0 && values.TrueForAll(v => v is long))
        {
            return values.Cast<long>().ToArray();
        }

        if (values.Count > 0 && values.TrueForAll(v => v is double))
        {
            return values.Cast<double>().ToArray();
        }

        if (values.Count > 0 && values.TrueForAll(v => v is bool))
        {
            return values.Cast<bool>().ToArray();
        }

        return values.ToArray();
    }

    public static string MapJson(List<KeyValuePair<string, object?>> pairs)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach ((string key, object? value) in pairs)
            {
                writer.WritePropertyName(key);
                SpanRecords.WriteValue(writer, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
