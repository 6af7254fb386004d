using Myelin.Numerics;
using Myelin.Numerics.Autograd;

namespace Myelin.Models.Layers;

public sealed class LayerTests
{
    private static Variable Input(ulong seed, params int[] shape)
    {
        var rng = new SeededRandom(seed);
        int n = shape.Aggregate(1, (a, b) => a * b);
        return Variable.Constant([.. Enumerable.Range(0, n).Select(_ => (float)rng.NextGaussian())], shape);
    }

    [Fact]
    public void Linear_matches_manual_affine_map()
    {
        var layer = new Linear(3, 2, new SeededRandom(1));
        Variable x = Input(2, 4, 3);
        using var tape = new Tape(Kernels.Default);
        float[] y = tape.Forward(layer, x);
        for (int r = 0; r < 4; r++)
        {
            for (int o = 0; o < 2; o++)
            {
                float expected = layer.Bias!.Data[o];
                for (int i = 0; i < 3; i++)
                {
                    expected += x.Data[(r * 3) + i] * layer.Weight.Data[(o * 3) + i];
                }

                Assert.Equal(expected, y[(r * 2) + o], 4);
            }
        }

        Assert.Equal(["weight", "bias"], layer.NamedParameters().Select(kv => kv.Key));
    }

    [Fact]
    public void Lora_merged_output_equals_unmerged_output()
    {
        var rng = new SeededRandom(3);
        var lora = new LoraLinear(new Linear(16, 12, rng), rank: 4, alpha: 8f, rng);
        foreach (ref float b in lora.B.Data)
        {
            b = (float)rng.NextGaussian();
        }

        Variable x = Input(4, 5, 16);
        float[] originalWeight = lora.Base.Weight.Data.ToArray();
        using var tape = new Tape(Kernels.Default);
        float[] unmerged = tape.Forward(lora, x);
        lora.Merge(Kernels.Default);
        float[] merged = tape.Forward(lora, x);
        for (int i = 0; i < merged.Length; i++)
        {
            Assert.True(Math.Abs(unmerged[i] - merged[i]) < 1e-4f, $"{i}: {unmerged[i]} vs {merged[i]}");
        }

        lora.Unmerge(Kernels.Default);
        for (int i = 0; i < originalWeight.Length; i++)
        {
            Assert.True(Math.Abs(originalWeight[i] - lora.Base.Weight.Data[i]) < 1e-5f);
        }

        Assert.Equal([lora.A, lora.B], lora.TrainableParameters());
        Assert.Throws<InvalidOperationException>(() => lora.Unmerge(Kernels.Default));
    }

    [Fact]
    public void Lora_starts_as_identity_change_and_trains_only_adapter()
    {
        var rng = new SeededRandom(5);
        var baseLayer = new Linear(8, 8, rng);
        var lora = new LoraLinear(baseLayer, 2, 4f, rng);
        Variable x = Input(6, 3, 8);
        using var tape = new Tape(Kernels.Default);
        Assert.Equal(tape.Forward(baseLayer, x), tape.Forward(lora, x));
    }

    [Fact]
    public void Lora_backward_computes_no_gradient_for_the_base_weights_but_still_for_the_input()
    {
        var rng = new SeededRandom(9);
        var lora = new LoraLinear(new Linear(8, 6, rng), 2, 4f, rng);
        foreach (ref float b in lora.B.Data)
        {
            b = (float)rng.NextGaussian();
        }

        var x = Variable.Parameter(Input(10, 3, 8).Data.ToArray(), 3, 8);
        using var tape = new Tape(Kernels.Default);
        Variable loss = tape.Sum(lora.Forward(tape, x));
        tape.Backward(loss);

        Assert.False(lora.Base.Weight.HasGrad);
        Assert.False(lora.Base.Bias!.HasGrad);
        Assert.True(lora.A.HasGrad);
        Assert.True(lora.B.HasGrad);
        Assert.True(x.HasGrad);
        Assert.Contains(x.Grad.ToArray(), g => g != 0f);
    }

    [Fact]
    public void Gru_cell_matches_pytorch_equations()
    {
        var rng = new SeededRandom(7);
        var cell = new GruCell(3, 4, rng);
        Variable x = Input(8, 2, 3);
        Variable h = Input(9, 2, 4);
        using var tape = new Tape(Kernels.Default);
        float[] next = tape.Forward(cell, x, h);
        for (int b = 0; b < 2; b++)
        {
            double[] gi = Affine(cell.WeightIh.Data.ToArray(), cell.BiasIh.Data.ToArray(), x.Data.Slice(b * 3, 3).ToArray());
            double[] gh = Affine(cell.WeightHh.Data.ToArray(), cell.BiasHh.Data.ToArray(), h.Data.Slice(b * 4, 4).ToArray());
            for (int j = 0; j < 4; j++)
            {
                double r = 1 / (1 + Math.Exp(-(gi[j] + gh[j])));
                double z = 1 / (1 + Math.Exp(-(gi[4 + j] + gh[4 + j])));
                double n = Math.Tanh(gi[8 + j] + (r * gh[8 + j]));
                double expected = ((1 - z) * n) + (z * h.Data[(b * 4) + j]);
                Assert.Equal(expected, next[(b * 4) + j], 4);
            }
        }
    }

    [Fact]
    public void Attention_with_gqa_keeps_shape_and_is_causal()
    {
        var attn = new CausalSelfAttention(16, 4, 2, 10000f, new SeededRandom(11));
        Variable x = Input(12, 2, 5, 16);
        using var tape = new Tape(Kernels.Default);
        Variable y = attn.Forward(tape, x);
        Assert.Equal([2, 5, 16], y.Shape.ToArray());
        float[] full = y.Data.ToArray();

        // Changing the last token must not change earlier outputs.
        x.Data[(4 * 16) + 3] += 5f;
        float[] changed = attn.Forward(tape, x).Data.ToArray();
        for (int i = 0; i < 4 * 16; i++)
        {
            Assert.Equal(full[i], changed[i], 5);
        }

        Assert.Equal(16 * 16 * 2 + (16 * 8 * 2), attn.Parameters().Sum(p => p.Length));
    }

    [Fact]
    public void Mlp_and_norms_name_their_parameters()
    {
        var mlp = new Mlp([4, 8, 2], new SeededRandom(1));
        Assert.Equal(["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"], mlp.NamedParameters().Select(kv => kv.Key));
        Assert.Equal(4 * 8 + 8 + (8 * 2) + 2, mlp.ParameterCount());
        var ln = new LayerNorm(6);
        using var tape = new Tape(Kernels.Default);
        Variable y = ln.Forward(tape, Input(2, 3, 6));
        Assert.Equal(0f, y.Data[..6].ToArray().Sum(), 4);
    }

    private static double[] Affine(float[] w, float[] b, float[] x)
    {
        var y = new double[b.Length];
        for (int o = 0; o < b.Length; o++)
        {
            y[o] = b[o];
            for (int i = 0; i < x.Length; i++)
            {
                y[o] += w[(o * x.Length) + i] * (double)x[i];
            }
        }

        return y;
    }
}
