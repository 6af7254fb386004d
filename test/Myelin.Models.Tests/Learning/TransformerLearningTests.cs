using Myelin.Numerics;
using Myelin.Numerics.Autograd;
using Myelin.Numerics.Optimizers;

namespace Myelin.Models.Learning;

public sealed class TransformerLearningTests
{
    private const int Symbols = 8;
    private const int Length = 6;
    private const int Separator = Symbols;
    private const int Seq = (2 * Length) + 1;

    /// <summary>
    /// Copy task: <c>a1..an SEP a1..an</c>. Inputs are the sequence without its last token; targets are the next
    /// tokens, with the first half (unpredictable random symbols) ignored.
    /// </summary>
    private static (int[] Inputs, int[] Targets) Batch(SeededRandom rng, int batch)
    {
        var inputs = new int[batch * (Seq - 1)];
        var targets = new int[batch * (Seq - 1)];
        Span<int> s = stackalloc int[Seq];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < Length; i++)
            {
                s[i] = rng.NextInt(Symbols);
                s[Length + 1 + i] = s[i];
            }

            s[Length] = Separator;
            for (int t = 0; t < Seq - 1; t++)
            {
                inputs[(b * (Seq - 1)) + t] = s[t];
                targets[(b * (Seq - 1)) + t] = t >= Length ? s[t + 1] : Tape.DefaultIgnoreIndex;
            }
        }

        return (inputs, targets);
    }

    [Fact]
    public void Two_layer_transformer_learns_to_copy()
    {
        var config = new LlamaConfig(
            VocabSize: Symbols + 1, ContextLength: 32, EmbeddingLength: 32, BlockCount: 2, FeedForwardLength: 64,
            HeadCount: 4, HeadCountKv: 2);
        var model = new LlamaModel(config, new SeededRandom(7));
        const int Steps = 300;
        var opt = new AdamW(model.Parameters(), weightDecay: 0f) { Schedule = new WarmupCosineSchedule(1e-2f, 20, Steps, 1e-3f) };
        var rng = new SeededRandom(8);
        using var tape = new Tape(Kernels.Default);
        for (int step = 0; step < Steps; step++)
        {
            (int[] inputs, int[] targets) = Batch(rng, 32);
            Variable loss = tape.CrossEntropy(model.Forward(tape, inputs, 32), targets);
            tape.Backward(loss);
            GradientClipping.ClipGlobalNorm(model.Parameters(), 1f);
            opt.Step();
            opt.ZeroGrad();
            tape.Reset();
        }

        (int[] testInputs, int[] testTargets) = Batch(new SeededRandom(99), 256);
        int correct = 0, total = 0;
        using (tape.NoGrad())
        {
            Variable logits = model.Forward(tape, testInputs, 256);
            for (int i = 0; i < testTargets.Length; i++)
            {
                if (testTargets[i] != Tape.DefaultIgnoreIndex)
                {
                    total++;
                    correct += Kernels.Default.ArgMax(logits.Data.Slice(i * (Symbols + 1), Symbols + 1)) == testTargets[i] ? 1 : 0;
                }
            }
        }

        double accuracy = (double)correct / total;
        Assert.True(accuracy >= 0.99, $"token accuracy {accuracy:P2}");
    }
}
