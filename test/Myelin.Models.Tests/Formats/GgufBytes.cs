using System.Buffers.Binary;
using System.Text;

namespace Myelin.Models.Formats;

/// <summary>Hand-assembles GGUF bytes independently of <see cref="GgufWriter"/>, so reader tests do not trust the writer.</summary>
internal sealed class GgufBytes
{
    private readonly List<byte> _b = [];

    public int Length => _b.Count;

    public GgufBytes U8(byte v)
    {
        _b.Add(v);
        return this;
    }

    public GgufBytes U32(uint v)
    {
        Span<byte> s = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(s, v);
        _b.AddRange(s.ToArray());
        return this;
    }

    public GgufBytes U64(ulong v)
    {
        Span<byte> s = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(s, v);
        _b.AddRange(s.ToArray());
        return this;
    }

    public GgufBytes F32(float v) => U32(BitConverter.SingleToUInt32Bits(v));

    public GgufBytes Str(string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        U64((ulong)bytes.Length);
        _b.AddRange(bytes);
        return this;
    }

    public GgufBytes Raw(params byte[] bytes)
    {
        _b.AddRange(bytes);
        return this;
    }

    public GgufBytes PadTo(int alignment)
    {
        while (_b.Count % alignment != 0)
        {
            _b.Add(0);
        }

        return this;
    }

    public byte[] ToArray() => [.. _b];

    /// <summary>A small valid file: two metadata entries and one 2x3 F32 tensor holding 0..5.</summary>
    public static byte[] Small()
    {
        var g = new GgufBytes()
            .U32(GgufFile.Magic).U32(3).U64(1).U64(2)
            .Str("general.architecture").U32((uint)GgufValueType.String).Str("llama")
            .Str("llama.block_count").U32((uint)GgufValueType.UInt32).U32(2)
            .Str("w").U32(2).U64(3).U64(2).U32((uint)GgmlType.F32).U64(0)
            .PadTo(32);
        for (int i = 0; i < 6; i++)
        {
            g.F32(i);
        }

        return g.ToArray();
    }
}
