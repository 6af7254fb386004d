using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Myelin.Models.Formats;

public sealed class SafetensorsTests
{
    private static byte[] Build(string json, int dataBytes)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        for (int i = 0; i < dataBytes; i++)
        {
            bytes[8 + header.Length + i] = (byte)i;
        }

        return bytes;
    }

    private static ModelFormatException OpenFails(byte[] bytes)
    {
        using var tmp = TempFile.WithBytes(bytes);
        return Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(tmp.Path).Dispose());
    }

    [Fact]
    public void Reads_hand_built_file()
    {
        byte[] bytes = Build(
            """{"b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]}}  """,
            12);
        using var tmp = TempFile.WithBytes(bytes);
        using SafetensorsFile f = SafetensorsFile.Open(tmp.Path);
        Assert.Equal("pt", f.Metadata["format"]);
        Assert.Equal(["a", "b"], f.Tensors.Select(t => t.Name));
        Assert.Equal([1L, 2L], f.GetTensor("a").Shape.ToArray());
        Assert.Equal(SafetensorsDType.F16, f.GetTensor("b").DType);
        Assert.Equal(new byte[] { 8, 9, 10, 11 }, f.GetTensorData("b").ToArray());
    }

    [Fact]
    public void Round_trip_is_exact_and_deterministic()
    {
        float[] w = [.. Enumerable.Range(0, 12).Select(i => i * 1.5f)];
        var writer = new SafetensorsWriter();
        writer.AddMetadata("format", "pt");
        writer.AddMetadata("name", "test \u00e9");
        writer.AddTensor("w", SafetensorsDType.F32, [3, 4], MemoryMarshal.AsBytes(w.AsSpan()).ToArray());
        writer.AddTensor("h", SafetensorsDType.BF16, [2], new byte[] { 1, 2, 3, 4 });
        writer.AddTensor("e", SafetensorsDType.F16, [0, 5], Array.Empty<byte>());
        var a = new MemoryStream();
        var b = new MemoryStream();
        writer.WriteTo(a);
        writer.WriteTo(b);
        Assert.Equal(a.ToArray(), b.ToArray());
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(a.ToArray()) % 8);
        using var tmp = TempFile.WithBytes(a.ToArray());
        using SafetensorsFile f = SafetensorsFile.Open(tmp.Path);
        Assert.Equal(w, MemoryMarshal.Cast<byte, float>(f.GetTensorData("w")).ToArray());
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, f.GetTensorData("h").ToArray());
        Assert.Equal(0, f.GetTensor("e").ByteSize);
        Assert.Equal("test \u00e9", f.Metadata["name"]);
        Assert.Equal(0, f.DataOffset % 8);
    }

    [Fact]
    public void Invalid_headers_are_rejected()
    {
        Assert.Contains("truncated", OpenFails([1, 2, 3]).Message, StringComparison.Ordinal);
        Assert.Contains("header length", OpenFails([255, 255, 255, 255, 0, 0, 0, 0, 0]).Message, StringComparison.Ordinal);
        Assert.Contains("JSON", OpenFails(Build("{nope", 0)).Message, StringComparison.Ordinal);
        Assert.Contains("JSON object", OpenFails(Build("[1]", 0)).Message, StringComparison.Ordinal);
        Assert.Contains("dtype 'I8'", OpenFails(Build("""{"a":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}""", 1)).Message,
            StringComparison.Ordinal);
        Assert.Contains("need", OpenFails(Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", 4)).Message,
            StringComparison.Ordinal);
        Assert.Contains("tile", OpenFails(Build(
            """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}""", 8)).Message,
            StringComparison.Ordinal);
        Assert.Contains("truncated", OpenFails(Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 4)).Message,
            StringComparison.Ordinal);
        Assert.Contains("more than once", OpenFails(Build(
            """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8)).Message,
            StringComparison.Ordinal);
        Assert.Contains("invalid shape", OpenFails(Build("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4)).Message,
            StringComparison.Ordinal);
        Assert.Contains("after the JSON", OpenFails(Build("""{}x""", 0)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seeded_fuzzing_never_crashes()
    {
        var writer = new SafetensorsWriter();
        writer.AddMetadata("k", "v");
        writer.AddTensor("x", SafetensorsDType.F32, [2, 2], new byte[16]);
        writer.AddTensor("y", SafetensorsDType.BF16, [3], new byte[6]);
        var ms = new MemoryStream();
        writer.WriteTo(ms);
        byte[] original = ms.ToArray();
        var rng = new Random(99);
        using var tmp = new TempFile();
        int opened = 0;
        for (int iter = 0; iter < 300; iter++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int k = 0, n = 1 + rng.Next(3); k < n; k++)
            {
                bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            }

            if (rng.Next(5) == 0)
            {
                bytes = bytes[..rng.Next(bytes.Length)];
            }

            File.WriteAllBytes(tmp.Path, bytes);
            try
            {
                using SafetensorsFile f = SafetensorsFile.Open(tmp.Path);
                foreach (SafetensorsTensorInfo t in f.Tensors)
                {
                    _ = f.GetTensorData(t).ToArray();
                }

                opened++;
            }
            catch (ModelFormatException)
            {
            }
        }

        Assert.InRange(opened, 1, 299);
    }
}
