using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace Myelin.Numerics.Autograd;

/// <summary>
/// Checks an autograd op against a float64 reference: the float32 forward must match the reference, and the
/// analytic gradient of a random projection <c>Σ r·y</c> must match central finite differences of the reference
/// (relative L2 error below the tolerance).
/// </summary>
internal static class GradCheck
{
    public const double Tolerance = 1e-3;

    public static void Run(
        ulong seed,
        int[][] shapes,
        Func<Tape, Variable[], Variable> op,
        Func<double[][], double[]> reference,
        bool[]? requiresGrad = null,
        Func<int, int, double>? init = null,
        IKernels? kernels = null)
    {
        var rng = new SeededRandom(seed);
        double[][] inputs = new double[shapes.Length][];
        var vars = new Variable[shapes.Length];
        for (int i = 0; i < shapes.Length; i++)
        {
            int n = shapes[i].Aggregate(1, (a, b) => a * b);
            inputs[i] = new double[n];
            for (int j = 0; j < n; j++)
            {
                inputs[i][j] = init is null ? rng.NextGaussian() : init(i, j);
            }

            float[] data = [.. inputs[i].Select(v => (float)v)];
            inputs[i] = [.. data.Select(v => (double)v)];
            vars[i] = requiresGrad is null || requiresGrad[i] ? Variable.Parameter(data, shapes[i]) : Variable.Constant(data, shapes[i]);
        }

        using var tape = new Tape(kernels ?? Kernels.Default);
        Variable y = op(tape, vars);
        double[] expected = reference(inputs);
        Assert.Equal(expected.Length, y.Length);
        double scale = 1 + expected.Select(Math.Abs).DefaultIfEmpty(0).Max();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(y.Data[i] - expected[i]) <= 1e-4 * scale, $"forward[{i}]: {y.Data[i]} vs {expected[i]}");
        }

        double[] r = [.. Enumerable.Range(0, y.Length).Select(_ => rng.NextGaussian())];
        tape.Backward(y, [.. r.Select(v => (float)v)]);
        for (int i = 0; i < vars.Length; i++)
        {
            if (!vars[i].RequiresGrad)
            {
                continue;
            }

            double[] numeric = Numeric(inputs, i, r, reference);
            float[] analytic = vars[i].HasGrad ? vars[i].Grad.ToArray() : new float[numeric.Length];
            double diff = 0, nn = 0, na = 0;
            for (int j = 0; j < numeric.Length; j++)
            {
                diff += (analytic[j] - numeric[j]) * (analytic[j] - numeric[j]);
                nn += numeric[j] * numeric[j];
                na += (double)analytic[j] * analytic[j];
            }

            double rel = Math.Sqrt(diff) / Math.Max(Math.Sqrt(Math.Max(nn, na)), 1e-6);
            Assert.True(rel < Tolerance || Math.Sqrt(diff) < 1e-5, $"input {i}: relative gradient error {rel:E3} (|numeric| {Math.Sqrt(nn):E3}, |analytic| {Math.Sqrt(na):E3})");
        }
    }

    private static double[] Numeric(double[][] inputs, int which, double[] r, Func<double[][], double[]> reference)
    {
        double[] x = inputs[which];
        var g = new double[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            double old = x[j];
            double h = 1e-5 * Math.Max(1, Math.Abs(old));
            x[j] = old + h;
            double plus = Dot(r, reference(inputs));
            x[j] = old - h;
            double minus = Dot(r, reference(inputs));
            x[j] = old;
            g[j] = (plus - minus) / (2 * h);
        }

        return g;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    /// <summary>Seeded FsCheck property over small integer tuples: each case gets dimensions in the given ranges and a seed.</summary>
    public static void ForAll(int[] low, int[] high, Action<int[], ulong> check, int maxTest = 10, ulong seed = 20240601)
    {
        Gen<int[]> gen = Gen.Constant(Array.Empty<int>());
        for (int i = 0; i < low.Length; i++)
        {
            int lo = low[i], hi = high[i];
            gen = gen.SelectMany(prefix => Gen.Choose(lo, hi).Select(v => (int[])[.. prefix, v]));
        }

        Gen<(int[] Dims, int Seed)> cases = gen.SelectMany(d => Gen.Choose(0, 1_000_000).Select(s => (d, s)));
        Config config = Config.QuickThrowOnFailure
            .WithMaxTest(maxTest)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        Prop.ForAll(cases.ToArbitrary(), c => check(c.Dims, (ulong)c.Seed)).Check(config);
    }
}
