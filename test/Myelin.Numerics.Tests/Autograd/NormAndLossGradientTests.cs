namespace Myelin.Numerics.Autograd;

public sealed class NormAndLossGradientTests
{
    [Fact]
    public void Softmax_and_log_softmax() => GradCheck.ForAll([1, 1], [5, 9], (d, seed) =>
    {
        GradCheck.Run(seed, [[d[0], d[1]]], (t, v) => t.Softmax(v[0]), x => Reference.Rows(x[0], d[1], Reference.Softmax));
        GradCheck.Run(seed + 1, [[d[0], d[1]]], (t, v) => t.LogSoftmax(v[0]), x => Reference.Rows(x[0], d[1], Reference.LogSoftmax));
    });

    [Fact]
    public void RmsNorm() => GradCheck.ForAll([1, 1], [5, 12], (d, seed) =>
        GradCheck.Run(seed, [[d[0], d[1]], [d[1]]], (t, v) => t.RmsNorm(v[0], v[1], 1e-5f),
            x => Reference.RmsNorm(x[0], x[1], 1e-5)));

    [Fact]
    public void LayerNorm_with_and_without_bias() => GradCheck.ForAll([1, 2], [5, 12], (d, seed) =>
    {
        GradCheck.Run(seed, [[d[0], d[1]], [d[1]], [d[1]]], (t, v) => t.LayerNorm(v[0], v[1], v[2], 1e-5f),
            x => Reference.LayerNorm(x[0], x[1], x[2], 1e-5));
        GradCheck.Run(seed + 1, [[d[0], d[1]], [d[1]]], (t, v) => t.LayerNorm(v[0], v[1], null, 1e-5f),
            x => Reference.LayerNorm(x[0], x[1], null, 1e-5));
    });

    [Fact]
    public void CrossEntropy_with_ignore_index() => GradCheck.ForAll([1, 2], [6, 8], (d, seed) =>
    {
        int rows = d[0], classes = d[1];
        int[] targets = [.. Enumerable.Range(0, rows).Select(r => r % 3 == 2 ? Tape.DefaultIgnoreIndex : (r * 7 + (int)seed) % classes)];
        GradCheck.Run(seed, [[rows, classes]], (t, v) => t.CrossEntropy(v[0], targets), x =>
        {
            double total = 0;
            int count = 0;
            double[] logp = Reference.Rows(x[0], classes, Reference.LogSoftmax);
            for (int r = 0; r < rows; r++)
            {
                if (targets[r] != Tape.DefaultIgnoreIndex)
                {
                    total -= logp[(r * classes) + targets[r]];
                    count++;
                }
            }

            return [count == 0 ? 0 : total / count];
        });
    });

    [Fact]
    public void Mean_squared_error_into_both_inputs() => GradCheck.ForAll([1, 1], [5, 7], (d, seed) =>
        GradCheck.Run(seed, [[d[0], d[1]], [d[0], d[1]]], (t, v) => t.MeanSquaredError(v[0], v[1]),
            x => [x[0].Zip(x[1], (a, b) => (a - b) * (a - b)).Average()]));
}
