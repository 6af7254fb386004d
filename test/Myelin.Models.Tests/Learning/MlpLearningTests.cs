using Myelin.Models.Layers;
using Myelin.Numerics;
using Myelin.Numerics.Autograd;
using Myelin.Numerics.Optimizers;

namespace Myelin.Models.Learning;

public sealed class MlpLearningTests
{
    /// <summary>
    /// Five classes in 16 dimensions: each class is a Gaussian blob around a random centre, with enough overlap
    /// and a non-linear (radial) twist that a linear model does not separate them perfectly.
    /// </summary>
    private static (float[] X, int[] Y) Data(int n, ulong seed, int classes = 5, int dim = 16)
    {
        var centres = new SeededRandom(1234);
        double[][] c = [.. Enumerable.Range(0, classes).Select(_ => Enumerable.Range(0, dim).Select(_ => centres.NextGaussian() * 1.2).ToArray())];
        var rng = new SeededRandom(seed);
        var x = new float[n * dim];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            int k = rng.NextInt(classes);
            y[i] = k;
            for (int d = 0; d < dim; d++)
            {
                double v = c[k][d] + (rng.NextGaussian() * 0.6);
                x[(i * dim) + d] = (float)(d % 2 == 0 ? v : Math.Sin(2 * v));
            }
        }

        return (x, y);
    }

    [Fact]
    public void Mlp_reaches_98_percent_on_seeded_synthetic_classification()
    {
        const int Dim = 16, Batch = 64;
        (float[] trainX, int[] trainY) = Data(4096, seed: 1);
        (float[] testX, int[] testY) = Data(1000, seed: 2);
        var model = new Mlp([Dim, 64, 64, 5], new SeededRandom(3));
        var opt = new Adam(model.Parameters(), 3e-3f);
        using var tape = new Tape(Kernels.Default);
        int steps = 0;
        for (int epoch = 0; epoch < 8; epoch++)
        {
            for (int start = 0; start + Batch <= trainY.Length; start += Batch)
            {
                Variable x = Variable.Constant(trainX[(start * Dim)..((start + Batch) * Dim)], Batch, Dim);
                Variable loss = tape.CrossEntropy(model.Forward(tape, x), trainY.AsSpan(start, Batch));
                tape.Backward(loss);
                opt.Step();
                opt.ZeroGrad();
                tape.Reset();
                steps++;
            }
        }

        int correct = 0;
        using (tape.NoGrad())
        {
            Variable logits = model.Forward(tape, Variable.Constant(testX, testY.Length, Dim));
            for (int i = 0; i < testY.Length; i++)
            {
                correct += Kernels.Default.ArgMax(logits.Data.Slice(i * 5, 5)) == testY[i] ? 1 : 0;
            }
        }

        double accuracy = (double)correct / testY.Length;
        Assert.True(accuracy >= 0.98, $"accuracy {accuracy:P1} after {steps} steps");
    }
}
