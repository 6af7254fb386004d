using System.Security.Cryptography;
using Myelin.Models.Formats;
using Myelin.TestUtilities;

namespace Myelin.Inference.Models;

public sealed class ModelSynthesizerTests
{
    private sealed class FakeTokenizer(string key) : ITokenizerMetadataSource
    {
        public IEnumerable<KeyValuePair<string, GgufValue>> GetMetadata(ModelShape shape)
        {
            yield return new(key, GgufValue.FromString("llama"));
            yield return new("tokenizer.ggml.bos_token_id", GgufValue.FromUInt32(1));
        }
    }

    [Fact]
    public void Same_seed_gives_identical_bytes_and_another_seed_differs()
    {
        using var dir = new TempDirectory();
        ModelShape shape = TestModels.Llama;
        ModelSynthesizer.Write(new SynthesisOptions(shape, GgmlType.Q8_0, Seed: 3), dir.Combine("a.gguf"));
        ModelSynthesizer.Write(new SynthesisOptions(shape, GgmlType.Q8_0, Seed: 3), dir.Combine("b.gguf"));
        ModelSynthesizer.Write(new SynthesisOptions(shape, GgmlType.Q8_0, Seed: 4), dir.Combine("c.gguf"));
        byte[] a = SHA256.HashData(File.ReadAllBytes(dir.Combine("a.gguf")));
        Assert.Equal(a, SHA256.HashData(File.ReadAllBytes(dir.Combine("b.gguf"))));
        Assert.NotEqual(a, SHA256.HashData(File.ReadAllBytes(dir.Combine("c.gguf"))));
    }

    [Theory]
    [InlineData(ModelArchitecture.Llama, false)]
    [InlineData(ModelArchitecture.Qwen2, true)]
    public void Files_carry_the_architecture_metadata_and_ggml_tensor_names(ModelArchitecture arch, bool tied)
    {
        using var dir = new TempDirectory();
        var shape = new ModelShape(arch, 50, 128, 32, 3, 64, 4, 2, 500000f, 1e-6f, tied);
        string path = dir.Combine("m.gguf");
        ModelSynthesizer.Write(new SynthesisOptions(shape, GgmlType.F16, 1) { Name = "tiny", Tokenizer = new FakeTokenizer("tokenizer.ggml.model") }, path);
        using GgufFile file = GgufFile.Open(path);
        string a = shape.ArchitectureName;
        Assert.Equal(a, file.Metadata["general.architecture"].AsString());
        Assert.Equal("tiny", file.Metadata["general.name"].AsString());
        Assert.Equal(1, file.Metadata["general.file_type"].AsInt64());
        Assert.Equal(32, file.Metadata[$"{a}.embedding_length"].AsInt64());
        Assert.Equal(3, file.Metadata[$"{a}.block_count"].AsInt64());
        Assert.Equal(64, file.Metadata[$"{a}.feed_forward_length"].AsInt64());
        Assert.Equal(4, file.Metadata[$"{a}.attention.head_count"].AsInt64());
        Assert.Equal(2, file.Metadata[$"{a}.attention.head_count_kv"].AsInt64());
        Assert.Equal(128, file.Metadata[$"{a}.context_length"].AsInt64());
        Assert.Equal(500000.0, file.Metadata[$"{a}.rope.freq_base"].AsDouble());
        Assert.Equal("llama", file.Metadata["tokenizer.ggml.model"].AsString());
        Assert.Equal(1, file.Metadata["tokenizer.ggml.bos_token_id"].AsInt64());
        Assert.Equal([32L, 50L], file.GetTensor("token_embd.weight").Dimensions.ToArray());
        Assert.Equal([32L, 16L], file.GetTensor("blk.2.attn_k.weight").Dimensions.ToArray());
        Assert.Equal([64L, 32L], file.GetTensor("blk.0.ffn_down.weight").Dimensions.ToArray());
        Assert.Equal(GgmlType.F32, file.GetTensor("blk.1.ffn_norm.weight").Type);
        Assert.Equal(GgmlType.F16, file.GetTensor("blk.1.ffn_up.weight").Type);
        Assert.Equal(!tied, file.TryGetTensor("output.weight", out _));
        Assert.Equal(arch == ModelArchitecture.Qwen2, file.TryGetTensor("blk.0.attn_q.bias", out _));
        Assert.Equal(shape, InferenceModel.ReadShape(file));
        long weights = file.Tensors.Sum(t => t.ElementCount);
        Assert.Equal(shape.ParameterCount, weights);
    }

    [Fact]
    public void Quantised_files_hold_the_same_underlying_weights_as_f32()
    {
        using var dir = new TempDirectory();
        ModelShape shape = TestModels.Llama;
        ModelSynthesizer.Write(new SynthesisOptions(shape, GgmlType.F32, 9), dir.Combine("f32.gguf"));
        ModelSynthesizer.Write(new SynthesisOptions(shape, GgmlType.Q8_0, 9), dir.Combine("q8.gguf"));
        using GgufFile f32 = GgufFile.Open(dir.Combine("f32.gguf"));
        using GgufFile q8 = GgufFile.Open(dir.Combine("q8.gguf"));
        GgufTensorInfo a = f32.GetTensor("blk.1.ffn_gate.weight");
        GgufTensorInfo b = q8.GetTensor("blk.1.ffn_gate.weight");
        double[] x = ReferenceTransformer.Decode(f32.GetTensorData(a), a.Type, (int)a.ElementCount);
        double[] y = ReferenceTransformer.Decode(q8.GetTensorData(b), b.Type, (int)b.ElementCount);
        for (int i = 0; i < x.Length; i++)
        {
            // Q8_0 rounds to a step of amax/127 per block; weights are N(0, 1/64), |x| < 0.7.
            Assert.True(Math.Abs(x[i] - y[i]) < 0.7 / 127, $"element {i}: {x[i]} vs {y[i]}");
        }
    }

    [Fact]
    public void Invalid_requests_are_rejected()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("x.gguf");
        ModelShape shape = TestModels.Llama;
        Assert.Throws<ArgumentException>(() =>
            ModelSynthesizer.Write(new SynthesisOptions(shape with { EmbeddingLength = 48, HeadCount = 4 }, GgmlType.Q4_0), path));
        Assert.Throws<ArgumentException>(() => ModelSynthesizer.Write(new SynthesisOptions(shape with { HeadCountKv = 3 }), path));
        Assert.Throws<ArgumentException>(() => ModelSynthesizer.Write(new SynthesisOptions(shape, (GgmlType)12), path));
        Assert.ThrowsAny<ArgumentException>(() => ModelSynthesizer.Write(new SynthesisOptions(shape with { VocabSize = 0 }), path));
        var e = Assert.Throws<ArgumentException>(() =>
            ModelSynthesizer.Write(new SynthesisOptions(shape) { Tokenizer = new FakeTokenizer("llama.vocab") }, path));
        Assert.Contains("tokenizer.", e.Message, StringComparison.Ordinal);
    }
}
