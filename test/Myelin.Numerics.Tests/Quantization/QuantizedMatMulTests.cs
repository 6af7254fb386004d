namespace Myelin.Numerics.Quantization;

public class QuantizedMatMulTests
{
    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Quantised_matmuls_match_reference_around_the_four_by_four_tile_and_eight_block_groups(string name)
    {
        // The AVX-VNNI kernel tiles 4 rows x 4 tokens and decodes scales eight blocks at a time: cover rows and
        // tokens that leave partial tiles, and block counts around multiples of 8.
        IKernels k = Kernels.Create(name);
        ulong seed = 900;
        foreach (int rows in new[] { 1, 3, 4, 5, 7, 9, 13 })
        {
            for (int tokens = 1; tokens <= 9; tokens++)
            {
                foreach (int blocks in new[] { 1, 7, 9, 17 })
                {
                    Check(k, rows, tokens, blocks, seed++);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Threaded_quantised_matmuls_match_reference(string name)
    {
        // More than 256 KB of weight-token work: rows split into slabs of four-row passes across the threads.
        IKernels k = Kernels.Create(name);
        Check(k, 1003, 6, 24, 31);
        Check(k, 258, 11, 72, 32);
    }

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Quantised_matmuls_match_reference_on_rows_too_long_to_unpack_first(string name)
    {
        // Rows of up to 256 blocks are unpacked once per four-row pass; longer ones are read in place for every token group.
        // Block magnitudes span 10^-2..10^2, so over 256 blocks the float summation order alone moves a result by a few
        // 1e-5 of its size: the tolerance is relative 1e-4.
        IKernels k = Kernels.Create(name);
        Check(k, 9, 6, 256, 41, 1e-4f);
        Check(k, 9, 6, 257, 42, 1e-4f);
    }

    [Fact]
    public void Quantised_matmul_rows_equal_the_matvec_of_each_token()
    {
        // y[t] must be the mat-vec of token t: the token-major activation layout and the [tokens, rows] output.
        IKernels k = Kernels.Default;
        const int rows = 37, tokens = 5, blocks = 12;
        var (w8, w4, x) = Make(rows, tokens, blocks, 5);
        float[] y = new float[tokens * rows];
        float[] single = new float[rows];
        k.MatMulQ8_0(w8, x, rows, tokens, y);
        for (int t = 0; t < tokens; t++)
        {
            k.MatVecQ8_0(w8, x.AsSpan(t * blocks, blocks), rows, single);
            TestData.Close(single, y.AsSpan(t * rows, rows), 1e-5f, 1e-4f);
        }

        k.MatMulQ4_0(w4, x, rows, tokens, y);
        for (int t = 0; t < tokens; t++)
        {
            k.MatVecQ4_0(w4, x.AsSpan(t * blocks, blocks), rows, single);
            TestData.Close(single, y.AsSpan(t * rows, rows), 1e-5f, 1e-4f);
        }
    }

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Quantised_matmuls_are_exact_on_extreme_quants(string name)
    {
        // Quants at the ends of their ranges with power-of-two scales: every product and sum is exact in float, so any
        // overflow or bias error in the integer path, or a scale applied to the wrong (row, token, block), shows.
        IKernels k = Kernels.Create(name);
        const int rows = 6, tokens = 5, blocks = 19;
        var w8 = new BlockQ8_0[rows * blocks];
        var w4 = new BlockQ4_0[rows * blocks];
        var x = new BlockQ8_0[tokens * blocks];
        for (int i = 0; i < x.Length; i++)
        {
            x[i].Scale = (Half)(i % 3 == 0 ? 0.5f : i % 3 == 1 ? -1f : 4f);
            for (int j = 0; j < 32; j++)
            {
                x[i].Quants[j] = (sbyte)((j + i) % 3 == 0 ? -127 : 127);
            }
        }

        for (int i = 0; i < w8.Length; i++)
        {
            w8[i].Scale = (Half)(i % 2 == 0 ? 0.25f : -2f);
            w4[i].Scale = (Half)(i % 2 == 0 ? 0.125f : -4f);
            for (int j = 0; j < 32; j++)
            {
                w8[i].Quants[j] = (sbyte)((i + j) % 5 < 2 ? -127 : 127);
            }

            for (int j = 0; j < 16; j++)
            {
                w4[i].Quants[j] = (byte)((i + j) % 3 == 0 ? 0x0F : (i + j) % 3 == 1 ? 0xF0 : 0x00);
            }
        }

        float[] expected = new float[tokens * rows];
        float[] actual = new float[tokens * rows];
        Kernels.Reference.MatMulQ8_0(w8, x, rows, tokens, expected);
        k.MatMulQ8_0(w8, x, rows, tokens, actual);
        Assert.Equal(expected, actual);
        Kernels.Reference.MatMulQ4_0(w4, x, rows, tokens, expected);
        k.MatMulQ4_0(w4, x, rows, tokens, actual);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("simd")]
    public void Quantised_matmul_validates_its_shapes(string name)
    {
        IKernels k = Kernels.Create(name);
        var w = new BlockQ8_0[12];
        var w4 = new BlockQ4_0[12];
        var x = new BlockQ8_0[6];
        var y = new float[8];
        Assert.Throws<ArgumentException>("x", () => k.MatMulQ8_0(w, x, 4, 4, y));
        Assert.Throws<ArgumentException>("w", () => k.MatMulQ8_0(w, x, 5, 2, y));
        Assert.Throws<ArgumentException>("y", () => k.MatMulQ4_0(w4, x, 4, 3, y));
        Assert.Throws<ArgumentOutOfRangeException>("tokens", () => k.MatMulQ4_0(w4, x, 4, -1, y));

        // No tokens or no rows: nothing to compute, nothing written.
        k.MatMulQ8_0(w, [], 4, 0, y);
        k.MatMulQ4_0(w4, x, 0, 2, []);
        Assert.All(y, v => Assert.Equal(0f, v));
    }

    private static void Check(IKernels k, int rows, int tokens, int blocks, ulong seed, float relative = 1e-5f)
    {
        var (w8, w4, x) = Make(rows, tokens, blocks, seed);
        float[] expected = new float[tokens * rows];
        float[] actual = new float[tokens * rows];
        Kernels.Reference.MatMulQ8_0(w8, x, rows, tokens, expected);
        k.MatMulQ8_0(w8, x, rows, tokens, actual);
        CloseToScale(expected, actual, relative, Magnitudes(rows, tokens, blocks, x, (r, b, j) => w8[(r * blocks) + b].Quants[j], (r, b) => (float)w8[(r * blocks) + b].Scale));
        Kernels.Reference.MatMulQ4_0(w4, x, rows, tokens, expected);
        k.MatMulQ4_0(w4, x, rows, tokens, actual);
        CloseToScale(expected, actual, relative, Magnitudes(rows, tokens, blocks, x, (r, b, j) => Nibble(w4[(r * blocks) + b], j) - 8, (r, b) => (float)w4[(r * blocks) + b].Scale));
    }

    /// <summary>
    /// Each result within <paramref name="relative"/> of itself plus 1e-6 of the sum of the magnitudes of its terms: the
    /// blocks here span 10^-2..10^2, so a result can be the small difference of large terms, and a float summation
    /// order other than the reference's moves it by a few float roundings of those terms, not of the result (with
    /// AVX-512 and AVX2 off, the 128-bit path's order moved a result of 7.51 by 1.5e-3).
    /// </summary>
    private static void CloseToScale(float[] expected, float[] actual, float relative, double[] magnitudes)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = (relative * Math.Abs(expected[i])) + (1e-6 * magnitudes[i]) + 1e-6;
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}] expected {expected[i]}, got {actual[i]} (tolerance {tolerance:E2})");
        }
    }

    /// <summary>Σ_b |d_w d_x| Σ_j |w_j x_j| for every (token, row), token-major like the outputs.</summary>
    private static double[] Magnitudes(int rows, int tokens, int blocks, BlockQ8_0[] x, Func<int, int, int, int> weight, Func<int, int, float> weightScale)
    {
        var m = new double[tokens * rows];
        for (int t = 0; t < tokens; t++)
        {
            for (int r = 0; r < rows; r++)
            {
                double sum = 0;
                for (int b = 0; b < blocks; b++)
                {
                    BlockQ8_0 xb = x[(t * blocks) + b];
                    long dot = 0;
                    for (int j = 0; j < 32; j++)
                    {
                        dot += Math.Abs(weight(r, b, j) * xb.Quants[j]);
                    }

                    sum += Math.Abs((double)weightScale(r, b) * (float)xb.Scale) * dot;
                }

                m[(t * rows) + r] = sum;
            }
        }

        return m;
    }

    /// <summary>Element j of a Q4_0 block: low nibbles hold elements 0-15, high nibbles 16-31.</summary>
    private static int Nibble(BlockQ4_0 block, int j) => j < 16 ? block.Quants[j] & 0x0F : block.Quants[j - 16] >> 4;

    private static (BlockQ8_0[] W8, BlockQ4_0[] W4, BlockQ8_0[] X) Make(int rows, int tokens, int blocks, ulong seed)
    {
        var w8 = new BlockQ8_0[rows * blocks];
        var w4 = new BlockQ4_0[rows * blocks];
        var x = new BlockQ8_0[tokens * blocks];
        float[] w = TestData.Random(rows * blocks * 32, seed + 1);
        for (int i = 0; i < w.Length; i++)
        {
            w[i] *= MathF.Pow(10f, (i / 32 % 5) - 2); // each block its own magnitude, so a misplaced scale shows
        }

        Q8_0.Quantize(w, w8);
        Q4_0.Quantize(w, w4);
        Q8_0.Quantize(TestData.Random(tokens * blocks * 32, seed + 2), x);
        return (w8, w4, x);
    }
}
