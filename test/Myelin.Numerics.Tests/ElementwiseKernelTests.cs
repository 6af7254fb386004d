namespace Myelin.Numerics;

public class ElementwiseKernelTests
{
    private static readonly IKernels s_ref = Kernels.Reference;

    public static IEnumerable<int> Lengths => Enumerable.Range(0, 257);

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Streaming_copy_is_exact_at_every_length_and_destination_alignment(string name)
    {
        // Non-temporal stores need an aligned destination: every start offset within a 64-byte line, lengths around
        // the vector widths, and the bytes just outside the destination left untouched.
        IKernels k = Kernels.Create(name);
        float[] source = TestData.Random(300, 42);
        float[] target = new float[320];
        foreach (int offset in Enumerable.Range(0, 17))
        {
            foreach (int n in new[] { 0, 1, 3, 15, 16, 17, 63, 64, 65, 100, 257, 300 - offset })
            {
                Array.Fill(target, float.NaN);
                k.CopyStreaming(source.AsSpan(offset, n), target.AsSpan(offset, n));
                Assert.Equal(source.AsSpan(offset, n).ToArray(), target.AsSpan(offset, n).ToArray());
                Assert.All(target.AsSpan(0, offset).ToArray(), v => Assert.True(float.IsNaN(v)));
                Assert.All(target.AsSpan(offset + n).ToArray(), v => Assert.True(float.IsNaN(v)));
            }
        }

        Assert.Throws<ArgumentException>(() => k.CopyStreaming(source.AsSpan(0, 10), target.AsSpan(0, 9)));
    }

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Elementwise_kernels_match_reference_for_every_length_0_to_256(string name)
    {
        IKernels k = Kernels.Create(name);
        foreach (int n in Lengths)
        {
            float[] x = TestData.Random(n, (ulong)n + 1, 3f);
            float[] y = TestData.Random(n, (ulong)n + 500, 3f);
            Compare(n, (kk, d) => kk.Add(x, y, d));
            Compare(n, (kk, d) => kk.Multiply(x, y, d));
            Compare(n, (kk, d) => kk.Scale(x, -1.7f, d));
            Compare(n, (kk, d) =>
            {
                y.CopyTo(d, 0);
                kk.Axpy(x, 0.3f, d);
            });
            Compare(n, (kk, d) => kk.Silu(x, d), 2e-6f);
            Compare(n, (kk, d) => kk.Gelu(x, d, GeluApproximation.Tanh), 2e-6f);
            Compare(n, (kk, d) => kk.Gelu(x, d, GeluApproximation.Erf), 2e-6f);
            Compare(n, (kk, d) => kk.SwiGlu(x, y, d), 2e-6f);
            TestData.Close(s_ref.Sum(x), k.Sum(x), 1e-5f, 1e-4f);
            Assert.Equal(s_ref.ArgMax(x), k.ArgMax(x));
            if (n > 0)
            {
                Assert.Equal(s_ref.Max(x), k.Max(x));
            }

            void Compare(int len, Action<IKernels, float[]> run, float tol = 1e-6f)
            {
                float[] expected = new float[len];
                float[] actual = new float[len];
                run(s_ref, expected);
                run(k, actual);
                TestData.Close(expected, actual, tol, tol);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void In_place_elementwise_calls_are_correct(string name)
    {
        IKernels k = Kernels.Create(name);
        foreach (int n in new[] { 3, 17, 33, 100 })
        {
            float[] x = TestData.Random(n, 9);
            float[] expected = new float[n];
            s_ref.Silu(x, expected);
            k.Silu(x, x);
            TestData.Close(expected, x, 2e-6f, 2e-6f);
        }
    }

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Max_propagates_nan(string name)
    {
        IKernels k = Kernels.Create(name);
        foreach (int n in new[] { 1, 5, 9, 20, 40 })
        {
            float[] x = TestData.Random(n, 3);
            x[n / 2] = float.NaN;
            Assert.True(float.IsNaN(k.Max(x)));
        }
    }

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Row_kernels_match_reference_on_odd_shapes(string name)
    {
        IKernels k = Kernels.Create(name);
        foreach ((int rows, int cols) in new[] { (1, 1), (3, 5), (2, 16), (4, 17), (7, 33), (2, 100), (3, 256), (1, 1000) })
        {
            float[] x = TestData.Random(rows * cols, (ulong)(rows * 1000 + cols), 4f);
            float[] w = TestData.Random(cols, 77);
            float[] b = TestData.Random(cols, 78);
            Compare((kk, d) => kk.Softmax(x, rows, cols, d), 1e-5f);
            Compare((kk, d) => kk.LogSoftmax(x, rows, cols, d), 1e-5f);
            Compare((kk, d) => kk.RmsNorm(x, w, rows, cols, 1e-5f, d), 1e-5f);
            Compare((kk, d) => kk.LayerNorm(x, w, b, rows, cols, 1e-5f, d), 1e-5f);
            Compare((kk, d) => kk.LayerNorm(x, w, [], rows, cols, 1e-5f, d), 1e-5f);
            float[] means = new float[rows];
            float[] expectedMeans = new float[rows];
            s_ref.RowMean(x, rows, cols, expectedMeans);
            k.RowMean(x, rows, cols, means);
            TestData.Close(expectedMeans, means, 1e-5f, 1e-5f);

            void Compare(Action<IKernels, float[]> run, float tol)
            {
                float[] expected = new float[rows * cols];
                float[] actual = new float[rows * cols];
                run(s_ref, expected);
                run(k, actual);
                TestData.Close(expected, actual, tol, tol);
            }
        }
    }

    [Fact]
    public void Softmax_rows_sum_to_one_and_survive_large_inputs()
    {
        float[] x = [1000f, 1001f, 999f, -1000f];
        float[] y = new float[4];
        Kernels.Default.Softmax(x, 1, 4, y);
        Assert.Equal(1f, y.Sum(), 5);
        Assert.DoesNotContain(y, float.IsNaN);
    }

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Rope_matches_reference_for_both_layouts(string name)
    {
        IKernels k = Kernels.Create(name);
        foreach (RopeLayout layout in new[] { RopeLayout.Interleaved, RopeLayout.NeoX })
        {
            foreach ((int tokens, int heads, int hd) in new[] { (1, 1, 2), (3, 2, 8), (5, 3, 64), (2, 4, 128), (3, 1, 34) })
            {
                float[] expected = TestData.Random(tokens * heads * hd, (ulong)(tokens + heads + hd));
                float[] actual = (float[])expected.Clone();
                s_ref.Rope(expected, tokens, heads, hd, 7, 10000f, layout);
                k.Rope(actual, tokens, heads, hd, 7, 10000f, layout);
                TestData.Close(expected, actual, 1e-6f, 1e-6f);
            }
        }
    }

    [Fact]
    public void Rope_rotates_the_documented_pairs()
    {
        // headDim 4, one token at position 1, theta 1: every pair rotates by exactly 1 radian.
        float[] interleaved = [1f, 0f, 1f, 0f];
        Kernels.Reference.Rope(interleaved, 1, 1, 4, 1, 1f, RopeLayout.Interleaved);
        Assert.Equal(MathF.Cos(1f), interleaved[0], 6);
        Assert.Equal(MathF.Sin(1f), interleaved[1], 6);
        float[] neox = [1f, 1f, 0f, 0f];
        Kernels.Reference.Rope(neox, 1, 1, 4, 1, 1f, RopeLayout.NeoX);
        Assert.Equal(MathF.Cos(1f), neox[0], 6);
        Assert.Equal(MathF.Sin(1f), neox[2], 6);
    }
}
