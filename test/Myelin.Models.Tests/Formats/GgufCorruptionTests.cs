namespace Myelin.Models.Formats;

public sealed class GgufCorruptionTests
{
    private static ModelFormatException OpenFails(byte[] bytes)
    {
        using var tmp = TempFile.WithBytes(bytes);
        return Assert.Throws<ModelFormatException>(() => GgufFile.Open(tmp.Path).Dispose());
    }

    private static GgufBytes Header(ulong tensors, ulong kvs) => new GgufBytes().U32(GgufFile.Magic).U32(3).U64(tensors).U64(kvs);

    [Fact]
    public void Empty_file_is_rejected() => Assert.Contains("empty", OpenFails([]).Message, StringComparison.Ordinal);

    [Fact]
    public void Bad_magic_is_rejected()
    {
        byte[] bytes = GgufBytes.Small();
        bytes[0] = (byte)'X';
        Assert.Contains("magic", OpenFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_and_big_endian_versions_are_rejected()
    {
        Assert.Contains("version 1", OpenFails(new GgufBytes().U32(GgufFile.Magic).U32(1).U64(0).U64(0).ToArray()).Message,
            StringComparison.Ordinal);
        Assert.Contains("big-endian", OpenFails(new GgufBytes().U32(GgufFile.Magic).U32(0x03000000).ToArray()).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_is_rejected()
    {
        byte[] bytes = GgufBytes.Small();
        for (int n = 0; n < bytes.Length; n++)
        {
            OpenFails(bytes[..n]);
        }
    }

    [Fact]
    public void Unknown_tensor_type_is_named()
    {
        byte[] bytes = Header(1, 0).Str("w").U32(1).U64(32).U32(3).U64(0).PadTo(32).Raw(new byte[64]).ToArray();
        Assert.Contains("ggml type 3", OpenFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensor_past_the_end_is_rejected()
    {
        byte[] bytes = Header(1, 0).Str("w").U32(1).U64(8).U32(0).U64(32).PadTo(32).Raw(new byte[40]).ToArray();
        Assert.Contains("outside the data section", OpenFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Misaligned_offset_is_rejected()
    {
        byte[] bytes = Header(1, 0).Str("w").U32(1).U64(1).U32(0).U64(4).PadTo(32).Raw(new byte[64]).ToArray();
        Assert.Contains("alignment", OpenFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantised_row_not_multiple_of_block_is_rejected()
    {
        byte[] bytes = Header(1, 0).Str("w").U32(1).U64(31).U32(8).U64(0).PadTo(32).Raw(new byte[64]).ToArray();
        Assert.Contains("multiple of 32", OpenFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_many_dimensions_are_rejected()
    {
        byte[] bytes = Header(1, 0).Str("w").U32(5).U64(1).U64(1).U64(1).U64(1).U64(1).U32(0).U64(0).PadTo(32).Raw(new byte[64]).ToArray();
        Assert.Contains("5 dimensions", OpenFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overflowing_dimensions_are_rejected()
    {
        byte[] bytes = Header(1, 0).Str("w").U32(2).U64(1UL << 40).U64(1UL << 40).U32(0).U64(0).PadTo(32).Raw(new byte[64]).ToArray();
        Assert.Contains("overflow", OpenFails(bytes).Message, StringComparison.Ordinal);
        bytes = Header(1, 0).Str("w").U32(1).U64(1UL << 62).U32(0).U64(0).PadTo(32).Raw(new byte[64]).ToArray();
        Assert.Contains("too large", OpenFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_key_and_duplicate_tensor_are_rejected()
    {
        Assert.Contains("more than once", OpenFails(Header(0, 2).Str("k").U32(4).U32(1).Str("k").U32(4).U32(2).ToArray()).Message,
            StringComparison.Ordinal);
        byte[] bytes = Header(2, 0).Str("w").U32(1).U64(1).U32(0).U64(0).Str("w").U32(1).U64(1).U32(0).U64(32)
            .PadTo(32).Raw(new byte[64]).ToArray();
        Assert.Contains("more than once", OpenFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_values_are_rejected()
    {
        Assert.Contains("not a known value type", OpenFails(Header(0, 1).Str("k").U32(13).U32(0).ToArray()).Message, StringComparison.Ordinal);
        Assert.Contains("nested array", OpenFails(Header(0, 1).Str("k").U32(9).U32(9).U64(0).ToArray()).Message, StringComparison.Ordinal);
        Assert.Contains("bool", OpenFails(Header(0, 1).Str("k").U32(7).U8(2).ToArray()).Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", OpenFails(Header(0, 1).U64(2).Raw(0xC3, 0x28).U32(4).U32(0).ToArray()).Message, StringComparison.Ordinal);
        Assert.Contains("UInt32", OpenFails(Header(0, 1).Str(GgufFile.AlignmentKey).U32(5).U32(32).ToArray()).Message, StringComparison.Ordinal);
        Assert.Contains("power of two", OpenFails(Header(0, 1).Str(GgufFile.AlignmentKey).U32(4).U32(48).ToArray()).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_counts_do_not_allocate()
    {
        Assert.Contains("tensor count", OpenFails(Header(ulong.MaxValue, 0).ToArray()).Message, StringComparison.Ordinal);
        Assert.Contains("metadata count", OpenFails(Header(0, 1UL << 60).ToArray()).Message, StringComparison.Ordinal);
        Assert.Contains("array length", OpenFails(Header(0, 1).Str("k").U32(9).U32(12).U64(1UL << 61).ToArray()).Message,
            StringComparison.Ordinal);
        Assert.Contains("length", OpenFails(Header(0, 1).U64(ulong.MaxValue).Raw(new byte[16]).ToArray()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seeded_fuzzing_never_crashes_or_hangs()
    {
        var writer = new GgufWriter();
        writer.AddMetadata("general.name", GgufValue.FromString("fuzz"));
        writer.AddMetadata("tokens", GgufValue.FromArray<string>(["a", "bb", "ccc"]));
        writer.AddMetadata("scores", GgufValue.FromArray<float>([0.5f, 1.5f]));
        writer.AddTensor("a", [32, 2], GgmlType.Q8_0, new byte[68]);
        writer.AddTensor("b", [4], GgmlType.F16, new byte[8]);
        var ms = new MemoryStream();
        writer.WriteTo(ms);
        byte[] original = ms.ToArray();
        var rng = new Random(1234);
        int opened = 0;
        using var tmp = new TempFile();
        for (int iter = 0; iter < 400; iter++)
        {
            byte[] bytes = (byte[])original.Clone();
            int flips = 1 + rng.Next(4);
            for (int k = 0; k < flips; k++)
            {
                int at = rng.Next(bytes.Length);
                bytes[at] = rng.Next(3) switch
                {
                    0 => (byte)rng.Next(256),
                    1 => 0xFF,
                    _ => (byte)(bytes[at] ^ (1 << rng.Next(8))),
                };
            }

            if (rng.Next(5) == 0)
            {
                bytes = bytes[..rng.Next(bytes.Length)];
            }

            File.WriteAllBytes(tmp.Path, bytes);
            try
            {
                using GgufFile f = GgufFile.Open(tmp.Path);
                foreach (GgufTensorInfo t in f.Tensors)
                {
                    _ = f.GetTensorData(t).ToArray();
                }

                opened++;
            }
            catch (ModelFormatException)
            {
            }
        }

        Assert.InRange(opened, 1, 399);
    }
}
