namespace Myelin.Numerics.Autograd;

public sealed class ShapeGradientTests
{
    [Fact]
    public void Reshape_shares_data_and_passes_gradient()
    {
        GradCheck.Run(1, [[2, 6]], (t, v) => t.Scale(t.Reshape(v[0], 3, -1), 2f), x => Reference.Map(x[0], a => 2 * a));
        using var tape = new Tape(Kernels.Default);
        var p = Variable.Parameter([1f, 2f, 3f, 4f], 2, 2);
        Variable r = tape.Reshape(p, 4);
        Assert.Equal([4], r.Shape.ToArray());
        p.Data[0] = 9f;
        Assert.Equal(9f, r.Data[0]);
    }

    [Fact]
    public void Transpose_and_permute() => GradCheck.ForAll([1, 1, 1], [4, 4, 5], (d, seed) =>
    {
        int a = d[0], b = d[1], c = d[2];
        GradCheck.Run(seed, [[a, b, c]], (t, v) => t.Transpose(v[0], 0, 2), x =>
        {
            var y = new double[x[0].Length];
            for (int i = 0; i < a; i++)
            {
                for (int j = 0; j < b; j++)
                {
                    for (int k = 0; k < c; k++)
                    {
                        y[(((k * b) + j) * a) + i] = x[0][(((i * b) + j) * c) + k];
                    }
                }
            }

            return y;
        });
        GradCheck.Run(seed + 1, [[a, b, c]], (t, v) => t.Permute(v[0], 1, 2, 0), x =>
        {
            var y = new double[x[0].Length];
            for (int i = 0; i < a; i++)
            {
                for (int j = 0; j < b; j++)
                {
                    for (int k = 0; k < c; k++)
                    {
                        y[(((j * c) + k) * a) + i] = x[0][(((i * b) + j) * c) + k];
                    }
                }
            }

            return y;
        });
    });

    [Fact]
    public void Concat_along_middle_and_last_axis()
    {
        GradCheck.Run(3, [[2, 3], [2, 1], [2, 2]], (t, v) => t.Concat(v, -1), x =>
        {
            var y = new List<double>();
            for (int r = 0; r < 2; r++)
            {
                y.AddRange(x[0][(r * 3)..((r * 3) + 3)]);
                y.AddRange(x[1][r..(r + 1)]);
                y.AddRange(x[2][(r * 2)..((r * 2) + 2)]);
            }

            return [.. y];
        });
        GradCheck.Run(4, [[2, 1, 3], [2, 2, 3]], (t, v) => t.Concat(v, 1), x =>
        {
            var y = new List<double>();
            for (int r = 0; r < 2; r++)
            {
                y.AddRange(x[0][(r * 3)..((r * 3) + 3)]);
                y.AddRange(x[1][(r * 6)..((r * 6) + 6)]);
            }

            return [.. y];
        }, requiresGrad: [true, false]);
    }

    [Fact]
    public void Narrow_takes_a_slice() =>
        GradCheck.Run(5, [[3, 6]], (t, v) => t.Narrow(v[0], 1, 2, 3), x => [.. Enumerable.Range(0, 3).SelectMany(r => x[0][((r * 6) + 2)..((r * 6) + 5)])]);
}
