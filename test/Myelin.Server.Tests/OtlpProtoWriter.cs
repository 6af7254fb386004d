using System.Buffers.Binary;
using System.Text;

namespace Myelin.Server;

/// <summary>A tiny protobuf writer for building OTLP request bodies by hand in tests.</summary>
internal sealed class OtlpProtoWriter
{
    private readonly List<byte> _bytes = [];

    public static byte[] Build(Action<OtlpProtoWriter> body)
    {
        var writer = new OtlpProtoWriter();
        body(writer);
        return [.. writer._bytes];
    }

    public OtlpProtoWriter Varint(int field, ulong value)
    {
        Tag(field, 0);
        WriteVarint(value);
        return this;
    }

    public OtlpProtoWriter Fixed64(int field, ulong value)
    {
        Tag(field, 1);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        _bytes.AddRange(b.ToArray());
        return this;
    }

    public OtlpProtoWriter Double(int field, double value) => Fixed64(field, BitConverter.DoubleToUInt64Bits(value));

    public OtlpProtoWriter Bytes(int field, byte[] value)
    {
        Tag(field, 2);
        WriteVarint((ulong)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    public OtlpProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public OtlpProtoWriter Message(int field, Action<OtlpProtoWriter> body) => Bytes(field, Build(body));

    /// <summary>A KeyValue (key = 1, value = 2 as AnyValue) in field <paramref name="field"/>.</summary>
    public OtlpProtoWriter Attribute(int field, string key, object value) => Message(field, kv => kv.String(1, key).Message(2, v => v.AnyValue(value)));

    public void AnyValue(object value)
    {
        switch (value)
        {
            case string s:
                String(1, s);
                break;
            case bool b:
                Varint(2, b ? 1UL : 0UL);
                break;
            case long l:
                Varint(3, unchecked((ulong)l));
                break;
            case double d:
                Double(4, d);
                break;
            case string[] items:
                Message(5, array =>
                {
                    foreach (string item in items)
                    {
                        array.Message(1, v => v.AnyValue(item));
                    }
                });
                break;
            default:
                throw new ArgumentException("unsupported test value", nameof(value));
        }
    }

    private void Tag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        _bytes.Add((byte)value);
    }
}
