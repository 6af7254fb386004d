using Myelin.Models.Formats;
using Myelin.Numerics;
using Myelin.Numerics.Autograd;

namespace Myelin.Models;

public sealed class LlamaModelTests
{
    private static readonly LlamaConfig s_config = new(
        VocabSize: 40, ContextLength: 64, EmbeddingLength: 32, BlockCount: 2, FeedForwardLength: 64,
        HeadCount: 4, HeadCountKv: 2, RopeFreqBase: 10000f, RmsNormEpsilon: 1e-5f);

    private static readonly int[] s_tokens = [1, 5, 9, 3, 0, 39, 7, 7, 2, 11, 13, 4];

    private static float[] Logits(LlamaModel model)
    {
        using var tape = new Tape(Kernels.Default);
        using (tape.NoGrad())
        {
            return model.Forward(tape, s_tokens, batch: 2).Data.ToArray();
        }
    }

    [Fact]
    public void Parameter_names_follow_gguf_llama_conventions()
    {
        var model = new LlamaModel(s_config, new SeededRandom(1));
        string[] names = [.. model.NamedParameters().Select(kv => kv.Key)];
        Assert.Equal("token_embd.weight", names[0]);
        Assert.Equal(
            ["blk.0.attn_norm.weight", "blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.0.attn_v.weight", "blk.0.attn_output.weight",
             "blk.0.ffn_norm.weight", "blk.0.ffn_gate.weight", "blk.0.ffn_up.weight", "blk.0.ffn_down.weight"],
            names[1..10]);
        Assert.Equal(["output_norm.weight", "output.weight"], names[^2..]);
        Assert.Equal([40, 32], model.TokenEmbedding.Weight.Shape.ToArray());
        Assert.Equal([16, 32], model.Blocks[0].Attention.Key.Weight.Shape.ToArray());

        var tied = new LlamaModel(s_config with { TiedEmbeddings = true }, new SeededRandom(1));
        Assert.DoesNotContain("output.weight", tied.NamedParameters().Select(kv => kv.Key));
        Assert.Equal([2, 6, 40], Logits(tied).Length == 2 * 6 * 40 ? [2, 6, 40] : Array.Empty<int>());
    }

    [Fact]
    public void Gguf_round_trip_is_bit_identical()
    {
        var model = new LlamaModel(s_config, new SeededRandom(2));
        using var tmp = new TempFile(".gguf");
        LlamaGguf.Save(model, tmp.Path);
        LlamaModel loaded = LlamaGguf.Load(tmp.Path);
        Assert.Equal(model.Config, loaded.Config);
        KeyValuePair<string, Variable>[] a = [.. model.NamedParameters()];
        KeyValuePair<string, Variable>[] b = [.. loaded.NamedParameters()];
        Assert.Equal(a.Select(kv => kv.Key), b.Select(kv => kv.Key));
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(a[i].Value.Data.SequenceEqual(b[i].Value.Data), a[i].Key);
        }

        Assert.Equal(Logits(model), Logits(loaded));

        using var again = new TempFile(".gguf");
        LlamaGguf.Save(loaded, again.Path);
        Assert.Equal(File.ReadAllBytes(tmp.Path), File.ReadAllBytes(again.Path));

        using GgufFile f = GgufFile.Open(tmp.Path);
        Assert.Equal("llama", f.Metadata["general.architecture"].AsString());
        Assert.Equal(32, f.Metadata["llama.embedding_length"].AsInt64());
        Assert.Equal(2, f.Metadata["llama.attention.head_count_kv"].AsInt64());
        Assert.Equal([32L, 16L], f.GetTensor("blk.1.attn_v.weight").Dimensions.ToArray());
    }

    [Theory]
    [InlineData(GgmlType.F16, 1e-3)]
    [InlineData(GgmlType.BF16, 1e-2)]
    [InlineData(GgmlType.Q8_0, 1e-2)]
    [InlineData(GgmlType.Q4_0, 0.2)]
    public void Gguf_lossy_types_round_trip_within_block_error(GgmlType type, double relTolerance)
    {
        var model = new LlamaModel(s_config, new SeededRandom(3));
        using var tmp = new TempFile(".gguf");
        LlamaGguf.Save(model, tmp.Path, type);
        LlamaModel loaded = LlamaGguf.Load(tmp.Path);
        foreach ((KeyValuePair<string, Variable> x, KeyValuePair<string, Variable> y) in model.NamedParameters().Zip(loaded.NamedParameters()))
        {
            float max = x.Value.Data.ToArray().Max(Math.Abs);
            for (int i = 0; i < x.Value.Length; i++)
            {
                Assert.True(Math.Abs(x.Value.Data[i] - y.Value.Data[i]) <= relTolerance * max, $"{x.Key}[{i}]");
            }
        }

        using GgufFile f = GgufFile.Open(tmp.Path);
        Assert.Equal(type, f.GetTensor("blk.0.ffn_up.weight").Type);
        Assert.Equal(GgmlType.F32, f.GetTensor("blk.0.ffn_norm.weight").Type);
    }

    [Fact]
    public void Gguf_load_rejects_non_llama_and_missing_tensors()
    {
        var w = new GgufWriter();
        w.AddMetadata("general.architecture", GgufValue.FromString("gpt2"));
        using var tmp = new TempFile(".gguf");
        w.WriteTo(tmp.Path);
        Assert.Throws<ModelFormatException>(() => LlamaGguf.Load(tmp.Path));

        GgufWriter full = LlamaGguf.CreateWriter(new LlamaModel(s_config with { BlockCount = 1 }, new SeededRandom(4)));
        using var ms = new FileStream(tmp.Path, FileMode.Create);
        full.WriteTo(ms);
        ms.Dispose();
        using (GgufFile f = GgufFile.Open(tmp.Path))
        {
            Assert.Equal(1 + 9 + 2, f.Tensors.Count);
        }
    }

    [Fact]
    public void Safetensors_round_trip_is_bit_identical()
    {
        var model = new LlamaModel(s_config with { TiedEmbeddings = true }, new SeededRandom(5));
        using var tmp = new TempFile(".safetensors");
        ModuleSafetensors.Save(model, tmp.Path, metadata: new Dictionary<string, string> { ["format"] = "pt" });
        var other = new LlamaModel(s_config with { TiedEmbeddings = true }, new SeededRandom(6));
        ModuleSafetensors.Load(other, tmp.Path);
        foreach ((KeyValuePair<string, Variable> x, KeyValuePair<string, Variable> y) in model.NamedParameters().Zip(other.NamedParameters()))
        {
            Assert.True(x.Value.Data.SequenceEqual(y.Value.Data), x.Key);
        }

        Assert.Equal(Logits(model), Logits(other));
        Assert.Throws<ModelFormatException>(() => ModuleSafetensors.Load(new LlamaModel(s_config, new SeededRandom(1)), tmp.Path));
    }
}
