using System.Runtime.InteropServices;

namespace Myelin.Models.Formats;

public sealed class GgufReaderTests
{
    [Fact]
    public void Reads_hand_built_file()
    {
        using var tmp = TempFile.WithBytes(GgufBytes.Small());
        using GgufFile f = GgufFile.Open(tmp.Path);
        Assert.Equal(3u, f.Version);
        Assert.Equal(32, f.Alignment);
        Assert.Equal(["general.architecture", "llama.block_count"], f.MetadataKeys);
        Assert.Equal("llama", f.Metadata["general.architecture"].AsString());
        Assert.Equal(2, f.Metadata["llama.block_count"].AsInt64());
        GgufTensorInfo t = Assert.Single(f.Tensors);
        Assert.Equal("w", t.Name);
        Assert.Equal([3L, 2L], t.Dimensions.ToArray());
        Assert.Equal(GgmlType.F32, t.Type);
        Assert.Equal(24, t.ByteSize);
        Assert.Equal(0, f.DataOffset % 32);
        ReadOnlySpan<float> values = MemoryMarshal.Cast<byte, float>(f.GetTensorData("w"));
        Assert.Equal([0f, 1, 2, 3, 4, 5], values.ToArray());
    }

    [Fact]
    public void Reads_every_scalar_and_array_type()
    {
        var g = new GgufBytes().U32(GgufFile.Magic).U32(3).U64(0).U64(14)
            .Str("u8").U32(0).U8(200)
            .Str("i8").U32(1).U8(0xFF)
            .Str("u16").U32(2).Raw(0x34, 0x12)
            .Str("i16").U32(3).Raw(0xFE, 0xFF)
            .Str("u32").U32(4).U32(0xDEADBEEF)
            .Str("i32").U32(5).U32(unchecked((uint)-7))
            .Str("f32").U32(6).F32(1.5f)
            .Str("bool").U32(7).U8(1)
            .Str("str").U32(8).Str("h\u00e9llo")
            .Str("u64").U32(10).U64(ulong.MaxValue)
            .Str("i64").U32(11).U64(unchecked((ulong)-9L))
            .Str("f64").U32(12).U64(BitConverter.DoubleToUInt64Bits(-2.25))
            .Str("arr_i32").U32(9).U32(5).U64(3).U32(1).U32(2).U32(3)
            .Str("arr_str").U32(9).U32(8).U64(2).Str("a").Str("bc");
        using var tmp = TempFile.WithBytes(g.ToArray());
        using GgufFile f = GgufFile.Open(tmp.Path);
        Assert.Equal((byte)200, f.Metadata["u8"].RawValue);
        Assert.Equal((sbyte)-1, f.Metadata["i8"].RawValue);
        Assert.Equal((ushort)0x1234, f.Metadata["u16"].RawValue);
        Assert.Equal((short)-2, f.Metadata["i16"].RawValue);
        Assert.Equal(0xDEADBEEFu, f.Metadata["u32"].RawValue);
        Assert.Equal(-7, f.Metadata["i32"].RawValue);
        Assert.Equal(1.5f, f.Metadata["f32"].RawValue);
        Assert.True(f.Metadata["bool"].AsBool());
        Assert.Equal("h\u00e9llo", f.Metadata["str"].AsString());
        Assert.Equal(ulong.MaxValue, f.Metadata["u64"].RawValue);
        Assert.Equal(-9L, f.Metadata["i64"].AsInt64());
        Assert.Equal(-2.25, f.Metadata["f64"].AsDouble());
        Assert.Equal([1, 2, 3], f.Metadata["arr_i32"].AsArray<int>().ToArray());
        Assert.Equal(GgufValueType.Int32, f.Metadata["arr_i32"].ElementType);
        Assert.Equal(["a", "bc"], f.Metadata["arr_str"].AsArray<string>().ToArray());
    }

    [Theory]
    [InlineData(GgmlType.F32, 4, 16)]
    [InlineData(GgmlType.F16, 4, 8)]
    [InlineData(GgmlType.BF16, 4, 8)]
    [InlineData(GgmlType.Q8_0, 64, 68)]
    [InlineData(GgmlType.Q4_0, 64, 36)]
    public void Block_geometry_matches_ggml(GgmlType type, long elements, long bytes)
    {
        Assert.Equal(bytes, GgmlTypeTraits.ByteSize(type, [elements]));
        Assert.Equal((uint)type, type switch
        {
            GgmlType.F32 => 0u,
            GgmlType.F16 => 1u,
            GgmlType.Q4_0 => 2u,
            GgmlType.Q8_0 => 8u,
            _ => 30u,
        });
    }

    [Fact]
    public void Honours_custom_alignment()
    {
        var g = new GgufBytes().U32(GgufFile.Magic).U32(3).U64(2).U64(1)
            .Str(GgufFile.AlignmentKey).U32(4).U32(64)
            .Str("a").U32(1).U64(3).U32(0).U64(0)
            .Str("b").U32(1).U64(1).U32(0).U64(64)
            .PadTo(64);
        int dataStart = g.Length;
        g.F32(1).F32(2).F32(3).PadTo(64).F32(9);
        using var tmp = TempFile.WithBytes(g.ToArray());
        using GgufFile f = GgufFile.Open(tmp.Path);
        Assert.Equal(64, f.Alignment);
        Assert.Equal(dataStart, f.DataOffset);
        Assert.Equal(9f, MemoryMarshal.Cast<byte, float>(f.GetTensorData("b"))[0]);
    }
}
