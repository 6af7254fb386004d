using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Myelin.Evals.Otlp;

/// <summary>Encodes <c>ExportTraceServiceResponse</c> for OTLP/HTTP answers, in protobuf or JSON.</summary>
public static class OtlpResponses
{
    /// <summary>The protobuf encoding: empty when everything was accepted, else <c>partial_success {rejected_spans, error_message}</c>.</summary>
    public static byte[] ToProtobuf(OtlpExportResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.RejectedSpans == 0 && result.ErrorMessage is null)
        {
            return [];
        }

        var inner = new List<byte>();
        if (result.RejectedSpans != 0)
        {
            inner.Add(0x08);
            WriteVarint(inner, (ulong)result.RejectedSpans);
        }

        if (result.ErrorMessage is not null)
        {
            byte[] text = Encoding.UTF8.GetBytes(result.ErrorMessage);
            inner.Add(0x12);
            WriteVarint(inner, (ulong)text.Length);
            inner.AddRange(text);
        }

        var outer = new List<byte>(inner.Count + 6) { 0x0A };
        WriteVarint(outer, (ulong)inner.Count);
        outer.AddRange(inner);
        return [.. outer];
    }

    /// <summary>The OTLP/JSON encoding: <c>{}</c> or <c>{"partialSuccess":{"rejectedSpans":"n","errorMessage":"..."}}</c>.</summary>
    public static byte[] ToJson(OtlpExportResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (result.RejectedSpans != 0 || result.ErrorMessage is not null)
            {
                writer.WriteStartObject("partialSuccess");

                // int64 fields are decimal strings in the protobuf JSON mapping.
                writer.WriteString("rejectedSpans", result.RejectedSpans.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (result.ErrorMessage is not null)
                {
                    writer.WriteString("errorMessage", result.ErrorMessage);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteVarint(List<byte> output, ulong value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }
}
