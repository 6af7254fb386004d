using System.Runtime.InteropServices;

namespace Myelin.Models.Formats;

public sealed class GgufRoundTripTests
{
    private static byte[] Bytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    private static GgufWriter Sample(int alignment)
    {
        var w = new GgufWriter();
        if (alignment != GgufFile.DefaultAlignment)
        {
            w.AddMetadata(GgufFile.AlignmentKey, GgufValue.FromUInt32((uint)alignment));
        }

        w.AddMetadata("u8", GgufValue.FromUInt8(7));
        w.AddMetadata("i8", GgufValue.FromInt8(-7));
        w.AddMetadata("u16", GgufValue.FromUInt16(65000));
        w.AddMetadata("i16", GgufValue.FromInt16(-300));
        w.AddMetadata("u32", GgufValue.FromUInt32(4_000_000_000));
        w.AddMetadata("i32", GgufValue.FromInt32(-5));
        w.AddMetadata("u64", GgufValue.FromUInt64(ulong.MaxValue - 1));
        w.AddMetadata("i64", GgufValue.FromInt64(long.MinValue));
        w.AddMetadata("f32", GgufValue.FromFloat32(float.Epsilon));
        w.AddMetadata("f64", GgufValue.FromFloat64(Math.PI));
        w.AddMetadata("bool", GgufValue.FromBool(true));
        w.AddMetadata("str", GgufValue.FromString("\u00fcnic\u00f8de \U0001F600"));
        w.AddMetadata("a.u8", GgufValue.FromArray<byte>([1, 2, 3]));
        w.AddMetadata("a.i16", GgufValue.FromArray<short>([-1, 2]));
        w.AddMetadata("a.f32", GgufValue.FromArray<float>([1.5f, -0f, float.NaN]));
        w.AddMetadata("a.f64", GgufValue.FromArray<double>([2.5]));
        w.AddMetadata("a.u64", GgufValue.FromArray<ulong>([]));
        w.AddMetadata("a.bool", GgufValue.FromArray<bool>([true, false]));
        w.AddMetadata("a.str", GgufValue.FromArray<string>(["x", "", "yz"]));
        w.AddTensor("f32", [3, 5], GgmlType.F32, Bytes(60, 1));
        w.AddTensor("f16", [7], GgmlType.F16, Bytes(14, 2));
        w.AddTensor("bf16", [2, 2, 2], GgmlType.BF16, Bytes(16, 3));
        w.AddTensor("q8", [64, 3], GgmlType.Q8_0, Bytes(34 * 6, 4));
        w.AddTensor("q4", [32, 1, 1, 2], GgmlType.Q4_0, Bytes(18 * 2, 5));
        w.AddTensor("cb", [10], GgmlType.F32, s => s.Write(Bytes(40, 6)));
        return w;
    }

    [Theory]
    [InlineData(32)]
    [InlineData(8)]
    [InlineData(128)]
    public void Write_then_read_gives_back_everything(int alignment)
    {
        GgufWriter w = Sample(alignment);
        using var tmp = new TempFile(".gguf");
        w.WriteTo(tmp.Path);
        using GgufFile f = GgufFile.Open(tmp.Path);
        Assert.Equal(alignment, f.Alignment);
        Assert.Equal(0, f.DataOffset % alignment);
        Assert.Equal(GgufValue.FromArray<string>(["x", "", "yz"]), f.Metadata["a.str"]);
        Assert.Equal(GgufValue.FromString("\u00fcnic\u00f8de \U0001F600"), f.Metadata["str"]);
        Assert.Equal(GgufValue.FromInt64(long.MinValue), f.Metadata["i64"]);
        Assert.Equal(GgufValue.FromUInt64(ulong.MaxValue - 1), f.Metadata["u64"]);
        Assert.Equal(GgufValue.FromFloat64(Math.PI), f.Metadata["f64"]);
        Assert.Equal(GgufValue.FromArray<bool>([true, false]), f.Metadata["a.bool"]);
        Assert.Equal(GgufValue.FromInt16(-300), f.Metadata["i16"]);
        Assert.Equal(BitConverter.SingleToInt32Bits(float.NaN),
            BitConverter.SingleToInt32Bits(f.Metadata["a.f32"].AsArray<float>()[2]));
        Assert.Equal(6, f.Tensors.Count);
        Assert.Equal(Bytes(60, 1), f.GetTensorData("f32").ToArray());
        Assert.Equal(Bytes(14, 2), f.GetTensorData("f16").ToArray());
        Assert.Equal(Bytes(16, 3), f.GetTensorData("bf16").ToArray());
        Assert.Equal(Bytes(204, 4), f.GetTensorData("q8").ToArray());
        Assert.Equal(Bytes(36, 5), f.GetTensorData("q4").ToArray());
        Assert.Equal(Bytes(40, 6), f.GetTensorData("cb").ToArray());
        Assert.Equal([32L, 1, 1, 2], f.GetTensor("q4").Dimensions.ToArray());
        foreach (GgufTensorInfo t in f.Tensors)
        {
            Assert.Equal(0, t.Offset % alignment);
        }
    }

    [Fact]
    public void Output_is_deterministic()
    {
        var a = new MemoryStream();
        var b = new MemoryStream();
        Sample(32).WriteTo(a);
        Sample(32).WriteTo(b);
        Assert.Equal(a.ToArray(), b.ToArray());
    }

    [Fact]
    public void Float_tensors_read_back_as_spans_in_place()
    {
        float[] values = [.. Enumerable.Range(0, 100).Select(i => i * 0.25f)];
        var w = new GgufWriter();
        w.AddTensor("v", [100], GgmlType.F32, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        using var tmp = new TempFile();
        w.WriteTo(tmp.Path);
        using GgufFile f = GgufFile.Open(tmp.Path);
        Assert.Equal(values, MemoryMarshal.Cast<byte, float>(f.GetTensorData("v")).ToArray());
    }

    [Fact]
    public void Writer_rejects_bad_input()
    {
        var w = new GgufWriter();
        Assert.Throws<ArgumentException>(() => w.AddTensor("x", [31], GgmlType.Q8_0, new byte[34]));
        Assert.Throws<ArgumentException>(() => w.AddTensor("x", [4], GgmlType.F32, new byte[15]));
        Assert.Throws<ArgumentException>(() => w.AddTensor("x", [], GgmlType.F32, Array.Empty<byte>()));
        Assert.Throws<ArgumentException>(() => w.AddTensor("x", [1], (GgmlType)3, new byte[4]));
        w.AddTensor("x", [1], GgmlType.F32, new byte[4]);
        Assert.Throws<ArgumentException>(() => w.AddTensor("x", [1], GgmlType.F32, new byte[4]));
        Assert.Throws<InvalidOperationException>(() => w.AddMetadata(GgufFile.AlignmentKey, GgufValue.FromUInt32(64)));
        w.AddMetadata("k", GgufValue.FromInt32(1));
        Assert.Throws<ArgumentException>(() => w.AddMetadata("k", GgufValue.FromInt32(2)));
        Assert.Throws<ArgumentException>(() => GgufValue.FromArray<decimal>([1m]));

        var bad = new GgufWriter();
        bad.AddTensor("short", [4], GgmlType.F32, s => s.Write(new byte[3]));
        Assert.Throws<InvalidOperationException>(() => bad.WriteTo(new MemoryStream()));
    }
}
