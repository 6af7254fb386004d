using System.Buffers.Binary;
using System.Text;
using Myelin.Models.Formats;
using Myelin.TestUtilities;

namespace Myelin.Inference.Models;

public sealed class MalformedModelTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private byte[] Good() => File.ReadAllBytes(TestModels.Get(TestModels.Llama, GgmlType.F32));

    private string Write(byte[] bytes)
    {
        string path = _dir.Combine($"{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Copies the good model through a GgufWriter, letting the test change metadata and tensors.</summary>
    private string Rewrite(Func<string, GgufValue, GgufValue?> metadata, Func<GgufTensorInfo, (long[] Dims, GgmlType Type)?> tensor)
    {
        string path = _dir.Combine($"{Guid.NewGuid():N}.gguf");
        using GgufFile file = GgufFile.Open(TestModels.Get(TestModels.Llama, GgmlType.F32));
        var w = new GgufWriter();
        foreach (string key in file.MetadataKeys)
        {
            if (metadata(key, file.Metadata[key]) is { } v)
            {
                w.AddMetadata(key, v);
            }
        }

        foreach (GgufTensorInfo t in file.Tensors)
        {
            if (tensor(t) is { } change)
            {
                long size = GgmlTypeTraits.ByteSize(change.Type, change.Dims);
                byte[] data = new byte[size];
                file.GetTensorData(t)[..(int)Math.Min(size, t.ByteSize)].CopyTo(data);
                w.AddTensor(t.Name, change.Dims, change.Type, data);
            }
        }

        w.WriteTo(path);
        return path;
    }

    private static string OpenFails(string path)
    {
        var e = Assert.Throws<ModelFormatException>(() => InferenceModel.Open(path));
        return e.Message;
    }

    [Fact]
    public void Wrong_magic_is_rejected()
    {
        byte[] bytes = Good();
        bytes[0] = (byte)'X';
        Assert.Contains("magic", OpenFails(Write(bytes)), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(200)]
    [InlineData(-100)]
    public void Truncated_files_are_rejected(int keep)
    {
        byte[] bytes = Good();
        int length = keep > 0 ? keep : bytes.Length + keep;
        OpenFails(Write(bytes[..length]));
    }

    [Fact]
    public void A_tensor_offset_beyond_the_file_is_rejected()
    {
        byte[] bytes = Good();
        byte[] name = Encoding.UTF8.GetBytes("output_norm.weight");
        int at = bytes.AsSpan().IndexOf(name);
        Assert.True(at > 0);
        // name, then n_dims (u32), one u64 dimension, the type (u32), then the offset (u64).
        int offsetField = at + name.Length + 4 + 8 + 4;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offsetField), 1UL << 40);
        OpenFails(Write(bytes));
    }

    [Fact]
    public void An_unknown_architecture_is_named()
    {
        string path = Rewrite(
            (k, v) => k == "general.architecture" ? GgufValue.FromString("gpt2") : v,
            t => (t.Dimensions.ToArray(), t.Type));
        string message = OpenFails(path);
        Assert.Contains("'gpt2' is not supported", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_tensor_is_named()
    {
        string path = Rewrite((_, v) => v, t => t.Name == "blk.1.ffn_up.weight" ? null : (t.Dimensions.ToArray(), t.Type));
        Assert.Contains("'blk.1.ffn_up.weight'", OpenFails(path), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_metadata_key_is_named()
    {
        string path = Rewrite((k, v) => k == "llama.block_count" ? null : v, t => (t.Dimensions.ToArray(), t.Type));
        Assert.Contains("'llama.block_count'", OpenFails(path), StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_shape_is_named_with_both_shapes()
    {
        string path = Rewrite(
            (_, v) => v,
            t => t.Name == "blk.0.attn_k.weight" ? ([64, 16], t.Type) : (t.Dimensions.ToArray(), t.Type));
        string message = OpenFails(path);
        Assert.Contains("'blk.0.attn_k.weight'", message, StringComparison.Ordinal);
        Assert.Contains("[64, 16]", message, StringComparison.Ordinal);
        Assert.Contains("[64, 32]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inconsistent_heads_are_rejected()
    {
        string path = Rewrite(
            (k, v) => k == "llama.attention.head_count_kv" ? GgufValue.FromUInt32(3) : v,
            t => (t.Dimensions.ToArray(), t.Type));
        Assert.Contains("HeadCountKv", OpenFails(path), StringComparison.Ordinal);
    }

    [Fact]
    public void A_quantised_norm_weight_is_rejected()
    {
        string path = Rewrite(
            (_, v) => v,
            t => t.Name == "output_norm.weight" ? (t.Dimensions.ToArray(), GgmlType.Q8_0) : (t.Dimensions.ToArray(), t.Type));
        Assert.Contains("'output_norm.weight' has type Q8_0", OpenFails(path), StringComparison.Ordinal);
    }
}
