namespace Myelin.Numerics.Autograd;

public sealed class ElementwiseGradientTests
{
    private static void Unary(Func<Tape, Variable, Variable> op, Func<double, double> f) => GradCheck.ForAll([1, 1], [6, 9], (d, seed) =>
        GradCheck.Run(seed, [[d[0], d[1]]], (t, v) => op(t, v[0]), x => Reference.Map(x[0], f)));

    [Fact]
    public void Silu() => Unary((t, x) => t.Silu(x), v => v * Reference.Sigmoid(v));

    [Fact]
    public void Gelu_erf() => Unary((t, x) => t.Gelu(x), Reference.GeluErf);

    [Fact]
    public void Gelu_tanh() => Unary((t, x) => t.Gelu(x, GeluApproximation.Tanh), Reference.GeluTanh);

    [Fact]
    public void Relu() => GradCheck.Run(3, [[4, 6]], (t, v) => t.Relu(v[0]), x => Reference.Map(x[0], a => Math.Max(a, 0)),
        init: (_, j) => (j % 2 == 0 ? 1 : -1) * (0.1 + (j * 0.05)));

    [Fact]
    public void Sigmoid() => Unary((t, x) => t.Sigmoid(x), Reference.Sigmoid);

    [Fact]
    public void Tanh() => Unary((t, x) => t.Tanh(x), Math.Tanh);

    [Fact]
    public void Scale() => Unary((t, x) => t.Scale(x, -2.5f), v => -2.5 * v);

    [Fact]
    public void Sum_and_mean()
    {
        GradCheck.Run(1, [[3, 4]], (t, v) => t.Sum(v[0]), x => [x[0].Sum()]);
        GradCheck.Run(2, [[3, 4]], (t, v) => t.Mean(v[0]), x => [x[0].Average()]);
    }

    [Fact]
    public void Add_same_shape_and_broadcast_bias() => GradCheck.ForAll([1, 1], [6, 9], (d, seed) =>
    {
        int rows = d[0], cols = d[1];
        GradCheck.Run(seed, [[rows, cols], [rows, cols]], (t, v) => t.Add(v[0], v[1]), x => Reference.Zip(x[0], x[1], (a, b) => a + b));
        GradCheck.Run(seed + 1, [[rows, cols], [cols]], (t, v) => t.Add(v[0], v[1]), x => [.. x[0].Select((a, i) => a + x[1][i % cols])]);
    });

    [Fact]
    public void Subtract_and_multiply() => GradCheck.ForAll([1, 1], [6, 9], (d, seed) =>
    {
        int[] s = [d[0], d[1]];
        GradCheck.Run(seed, [s, s], (t, v) => t.Subtract(v[0], v[1]), x => Reference.Zip(x[0], x[1], (a, b) => a - b));
        GradCheck.Run(seed + 1, [s, s], (t, v) => t.Multiply(v[0], v[1]), x => Reference.Zip(x[0], x[1], (a, b) => a * b));
    });

    [Fact]
    public void Same_variable_used_twice_accumulates() =>
        GradCheck.Run(5, [[4, 3]], (t, v) => t.Multiply(v[0], v[0]), x => Reference.Map(x[0], a => a * a));

    [Fact]
    public void SwiGlu() => GradCheck.ForAll([1, 1], [6, 9], (d, seed) =>
        GradCheck.Run(seed, [[d[0], d[1]], [d[0], d[1]]], (t, v) => t.SwiGlu(v[0], v[1]),
            x => Reference.Zip(x[0], x[1], (g, u) => g * Reference.Sigmoid(g) * u)));

    [Fact]
    public void Dropout_with_seeded_mask()
    {
        const float P = 0.3f;
        GradCheck.Run(
            9, [[5, 7]], (t, v) => t.Dropout(v[0], P, new SeededRandom(77)),
            x =>
            {
                var rng = new SeededRandom(77);
                return [.. x[0].Select(a => rng.NextSingle() < P ? 0 : a * (double)(1f / (1f - P)))];
            });
    }

    [Fact]
    public void Dropout_is_identity_without_recording()
    {
        using var tape = new Tape(Kernels.Default);
        var x = Variable.Parameter([1f, 2f, 3f], 3);
        using (tape.NoGrad())
        {
            Assert.Same(x, tape.Dropout(x, 0.5f, new SeededRandom(1)));
        }
    }
}
