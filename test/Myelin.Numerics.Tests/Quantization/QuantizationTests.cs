using System.Runtime.CompilerServices;

namespace Myelin.Numerics.Quantization;

public class QuantizationTests
{
    [Fact]
    public void Blocks_have_ggml_sizes()
    {
        Assert.Equal(34, Unsafe.SizeOf<BlockQ8_0>());
        Assert.Equal(18, Unsafe.SizeOf<BlockQ4_0>());
    }

    [Fact]
    public void Q8_0_packs_known_vector_bit_exactly()
    {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++)
        {
            x[j] = j - 16;
        }

        var blocks = new BlockQ8_0[1];
        Q8_0.Quantize(x, blocks);
        Assert.Equal(0x3008, BitConverter.HalfToUInt16Bits(blocks[0].Scale));
        Assert.Equal(-127, blocks[0].Quants[0]);
        Assert.Equal(-119, blocks[0].Quants[1]);
        Assert.Equal(0, blocks[0].Quants[16]);
        Assert.Equal(119, blocks[0].Quants[31]);
    }

    [Fact]
    public void Q8_0_rounds_half_away_from_zero()
    {
        float[] x = new float[32];
        (x[0], x[1], x[2], x[3], x[4]) = (127f, 2.5f, -2.5f, 0.5f, -0.5f);
        var blocks = new BlockQ8_0[1];
        Q8_0.Quantize(x, blocks);
        Assert.Equal(0x3C00, BitConverter.HalfToUInt16Bits(blocks[0].Scale));
        Assert.Equal([127, 3, -3, 1, -1, 0], Enumerable.Range(0, 6).Select(j => (int)blocks[0].Quants[j]));
    }

    [Fact]
    public void Q8_0_quantises_every_block_exactly_as_the_scalar_formula()
    {
        // With 127 in a block, d = 1 and id = 1, so x * id = x: the block holds exact ties (k + 0.5), values one ulp
        // either side of them (where adding 0.5 and truncating would round wrongly), signed zeros and small values.
        // Random blocks at many magnitudes follow; a non-finite block takes the scalar path and must agree too.
        var rng = new Random(20261122);
        var x = new List<float>();
        float[] special = [127f, 2.5f, -2.5f, 0.5f, -0.5f, 0.49999997f, -0.49999997f, 0.50000006f, 126.5f, -126.5f, 0f, -0f,
            1.5f, -1.5f, BitConverter.Int32BitsToSingle(0x3EFFFFFF), 3.4999998f, -3.5000002f, 1e-30f, -1e-30f, 100.49999f, 99.50001f];
        x.AddRange(special);
        x.AddRange(Enumerable.Repeat(0f, 32 - special.Length));
        for (int b = 0; b < 200; b++)
        {
            float magnitude = MathF.Pow(10f, (float)((rng.NextDouble() * 12) - 6));
            x.AddRange(Enumerable.Range(0, 32).Select(_ => (float)((rng.NextDouble() * 2) - 1) * magnitude));
        }

        x.AddRange(Enumerable.Range(0, 32).Select(i => i == 5 ? float.PositiveInfinity : i));
        float[] values = [.. x];
        var blocks = new BlockQ8_0[values.Length / 32];
        Q8_0.Quantize(values, blocks);
        for (int b = 0; b < blocks.Length; b++)
        {
            float amax = 0f;
            for (int j = 0; j < 32; j++)
            {
                amax = MathF.Max(amax, MathF.Abs(values[(b * 32) + j]));
            }

            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            Assert.Equal(BitConverter.HalfToUInt16Bits((Half)d), BitConverter.HalfToUInt16Bits(blocks[b].Scale));
            for (int j = 0; j < 32; j++)
            {
                Assert.True((sbyte)MathF.Round(values[(b * 32) + j] * id, MidpointRounding.AwayFromZero) == blocks[b].Quants[j], $"block {b} element {j}");
            }
        }
    }

    [Fact]
    public void Q4_0_packs_known_vector_bit_exactly()
    {
        float[] x = new float[32];
        (x[0], x[1], x[16], x[17]) = (-8f, 4f, 7.9f, -4f);
        var blocks = new BlockQ4_0[1];
        Q4_0.Quantize(x, blocks);
        Assert.Equal(0x3C00, BitConverter.HalfToUInt16Bits(blocks[0].Scale));
        Assert.Equal(0xF0, blocks[0].Quants[0]);
        Assert.Equal(0x4C, blocks[0].Quants[1]);
        for (int j = 2; j < 16; j++)
        {
            Assert.Equal(0x88, blocks[0].Quants[j]);
        }

        // A positive extreme gives a negative scale: d = max / -8.
        x[0] = 8f;
        Q4_0.Quantize(x, blocks);
        Assert.Equal(-1f, (float)blocks[0].Scale);
        Assert.Equal(0, blocks[0].Quants[0] & 0x0F);
    }

    [Fact]
    public void Q8_0_round_trip_error_is_within_half_a_step()
    {
        float[] x = Scaled(64 * 32, 11);
        var blocks = new BlockQ8_0[64];
        var back = new float[x.Length];
        Q8_0.Quantize(x, blocks);
        Q8_0.Dequantize(blocks, back);
        for (int b = 0; b < blocks.Length; b++)
        {
            float amax = x.AsSpan(b * 32, 32).ToArray().Max(MathF.Abs);
            float d = amax / 127f;
            float d16 = (float)blocks[b].Scale;
            for (int j = 0; j < 32; j++)
            {
                int i = (b * 32) + j;
                float bound = (d / 2) + (Math.Abs(blocks[b].Quants[j]) * Math.Abs(d - d16)) + 1e-7f;
                Assert.True(Math.Abs(x[i] - back[i]) <= bound, $"{i}: {x[i]} vs {back[i]}, bound {bound}");
            }
        }
    }

    [Fact]
    public void Q4_0_round_trip_error_is_within_half_a_step_inside_the_range()
    {
        float[] x = Scaled(64 * 32, 12);
        var blocks = new BlockQ4_0[64];
        var back = new float[x.Length];
        Q4_0.Quantize(x, blocks);
        Q4_0.Dequantize(blocks, back);
        for (int b = 0; b < blocks.Length; b++)
        {
            float max = x.AsSpan(b * 32, 32).ToArray().MaxBy(MathF.Abs);
            float d = max / -8f;
            float d16 = (float)blocks[b].Scale;
            for (int j = 0; j < 32; j++)
            {
                int i = (b * 32) + j;
                if (x[i] / d > 7.5f)
                {
                    continue; // clamped to q = 15: outside the representable range on the short side
                }

                int q = j < 16 ? blocks[b].Quants[j] & 0x0F : blocks[b].Quants[j - 16] >> 4;
                float bound = (Math.Abs(d) / 2) + (Math.Abs(q - 8) * Math.Abs(d - d16)) + 1e-7f;
                Assert.True(Math.Abs(x[i] - back[i]) <= bound, $"{i}: {x[i]} vs {back[i]}, bound {bound}");
            }
        }
    }

    [Fact]
    public void Zero_blocks_quantise_to_zero()
    {
        var q8 = new BlockQ8_0[1];
        var q4 = new BlockQ4_0[1];
        Q8_0.Quantize(new float[32], q8);
        Q4_0.Quantize(new float[32], q4);
        Assert.Equal(0f, (float)q8[0].Scale);
        Assert.Equal(0x88, q4[0].Quants[5]);
    }

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Quantised_dots_and_matvecs_match_reference(string name)
    {
        IKernels k = Kernels.Create(name);
        for (int blocks = 0; blocks <= 20; blocks++)
        {
            var (x8, y8, w4) = Make(blocks, (ulong)blocks);
            TestData.Close(Kernels.Reference.DotQ8_0(x8, y8), k.DotQ8_0(x8, y8), 1e-5f, 1e-4f);
            TestData.Close(Kernels.Reference.DotQ4_0(w4, y8), k.DotQ4_0(w4, y8), 1e-5f, 1e-4f);
        }

        foreach ((int rows, int blocksPerRow) in new[] { (1, 1), (7, 3), (33, 8), (300, 64) })
        {
            var (w8, x8, w4) = Make(rows * blocksPerRow, 99, blocksPerRow);
            float[] expected = new float[rows];
            float[] actual = new float[rows];
            Kernels.Reference.MatVecQ8_0(w8, x8, rows, expected);
            k.MatVecQ8_0(w8, x8, rows, actual);
            TestData.Close(expected, actual, 1e-5f, 1e-3f);
            Kernels.Reference.MatVecQ4_0(w4, x8, rows, expected);
            k.MatVecQ4_0(w4, x8, rows, actual);
            TestData.Close(expected, actual, 1e-5f, 1e-3f);
        }
    }

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Quantised_matvecs_match_reference_around_the_four_row_and_eight_block_tiles(string name)
    {
        // The AVX-VNNI mat-vec runs four rows per pass and decodes weight scales eight blocks at a time:
        // cover row counts 1..9 and 13 (missing rows in the last pass) and block counts around multiples of 8.
        IKernels k = Kernels.Create(name);
        ulong seed = 500;
        foreach (int rows in new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 13 })
        {
            foreach (int blocksPerRow in new[] { 1, 7, 8, 9, 15, 16, 17, 33 })
            {
                var (w8, x8, w4) = Make(rows * blocksPerRow, seed++, blocksPerRow);
                CheckMatVecs(k, w8, x8, w4, rows);
            }
        }

        // Large enough to run threaded (more than 256 KB of weights): rows split into slabs across threads.
        var (bigW8, bigX8, bigW4) = Make(1003 * 24, seed, 24);
        CheckMatVecs(k, bigW8, bigX8, bigW4, 1003);
    }

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Quantised_matvecs_match_reference_when_slabs_are_cut_into_four_streams(string name)
    {
        // Under 256 KB of weights a mat-vec runs on one thread as four slabs; a slab of 64 rows or more is read as
        // four sequential streams (quarters), and the 0-3 rows past the last full quarter go as adjacent rows.
        // 256 rows: slabs of 64 (nothing left over); 257, 259, 263 and 268: slabs of 64-67 (1, 2 or 3 rows left).
        IKernels k = Kernels.Create(name);
        ulong seed = 900;
        foreach (int rows in new[] { 256, 257, 259, 263, 268 })
        {
            foreach (int blocksPerRow in new[] { 1, 8, 9 })
            {
                var (w8, x8, w4) = Make(rows * blocksPerRow, seed++, blocksPerRow);
                CheckMatVecs(k, w8, x8, w4, rows);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Fused_matvecs_match_one_matvec_per_matrix(string name)
    {
        // A layer's query/key/value (three matrices) and gate/up (two) share one activation: small shapes with rows
        // that leave partial four-row passes, and large ones that run threaded, where a slab spans two matrices.
        IKernels k = Kernels.Create(name);
        ulong seed = 900;
        foreach ((int blocks, int[] rows) in new[] { (9, new[] { 5, 3, 2 }), (17, new[] { 1, 13 }), (24, new[] { 1003, 131, 131 }), (40, new[] { 700, 700 }) })
        {
            float[] x = TestData.Random(blocks * 32, seed++);
            var xq = new BlockQ8_0[blocks];
            Q8_0.Quantize(x, xq);
            var w8 = new BlockQ8_0[rows.Length][];
            var w4 = new BlockQ4_0[rows.Length][];
            var expected8 = new float[rows.Length][];
            var expected4 = new float[rows.Length][];
            var actual8 = new float[rows.Length][];
            var actual4 = new float[rows.Length][];
            for (int m = 0; m < rows.Length; m++)
            {
                float[] weights = TestData.Random(rows[m] * blocks * 32, seed++);
                w8[m] = new BlockQ8_0[rows[m] * blocks];
                w4[m] = new BlockQ4_0[rows[m] * blocks];
                Q8_0.Quantize(weights, w8[m]);
                Q4_0.Quantize(weights, w4[m]);
                expected8[m] = new float[rows[m]];
                expected4[m] = new float[rows[m]];
                actual8[m] = new float[rows[m]];
                actual4[m] = new float[rows[m]];
                Kernels.Reference.MatVecQ8_0(w8[m], xq, rows[m], expected8[m]);
                Kernels.Reference.MatVecQ4_0(w4[m], xq, rows[m], expected4[m]);
            }

            if (rows.Length == 3)
            {
                k.MatVecsQ8_0(xq, new(w8[0], rows[0], actual8[0]), new(w8[1], rows[1], actual8[1]), new(w8[2], rows[2], actual8[2]));
                k.MatVecsQ4_0(xq, new(w4[0], rows[0], actual4[0]), new(w4[1], rows[1], actual4[1]), new(w4[2], rows[2], actual4[2]));
            }
            else
            {
                k.MatVecsQ8_0(xq, new(w8[0], rows[0], actual8[0]), new(w8[1], rows[1], actual8[1]));
                k.MatVecsQ4_0(xq, new(w4[0], rows[0], actual4[0]), new(w4[1], rows[1], actual4[1]));
            }

            for (int m = 0; m < rows.Length; m++)
            {
                TestData.Close(expected8[m], actual8[m], 1e-5f, 1e-3f);
                TestData.Close(expected4[m], actual4[m], 1e-5f, 1e-3f);
            }
        }
    }

    [Fact]
    public void Fused_matvecs_reject_a_matrix_that_does_not_fit_its_rows()
    {
        var xq = new BlockQ8_0[4];
        var w = new BlockQ8_0[12];
        Assert.Throws<ArgumentException>(() => Kernels.Default.MatVecsQ8_0(xq, new(w, 3, new float[3]), new(w, 4, new float[4])));
        Assert.Throws<ArgumentException>(() => Kernels.Default.MatVecsQ8_0(xq, new(w, 3, new float[3]), new(w, 3, new float[2])));
    }

    [Fact]
    public void Threaded_matvecs_stay_exact_back_to_back_and_after_the_workers_fall_asleep()
    {
        // The kernel threads poll for the next job for a while after each one, then sleep on a semaphore: alternate
        // bursts of back-to-back calls (taken while polling) with pauses longer than the poll (taken after a wake-up),
        // and check every result, so a lost hand-off shows as a hang or a wrong row.
        IKernels k = Kernels.Default;
        var (w8, x8, w4) = Make(1003 * 24, 77, 24);
        float[] expected8 = new float[1003];
        float[] expected4 = new float[1003];
        float[] actual = new float[1003];
        Kernels.Reference.MatVecQ8_0(w8, x8, 1003, expected8);
        Kernels.Reference.MatVecQ4_0(w4, x8, 1003, expected4);
        for (int burst = 0; burst < 12; burst++)
        {
            for (int call = 0; call < 25; call++)
            {
                Array.Clear(actual);
                k.MatVecQ8_0(w8, x8, 1003, actual);
                TestData.Close(expected8, actual, 1e-5f, 1e-3f);
                Array.Clear(actual);
                k.MatVecQ4_0(w4, x8, 1003, actual);
                TestData.Close(expected4, actual, 1e-5f, 1e-3f);
            }

            Thread.Sleep(burst % 3 == 0 ? 5 : 0);
        }
    }

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Quantised_matvecs_are_exact_on_extreme_quants(string name)
    {
        // Quants at the ends of their ranges (Q8_0 ±127, as ggml's quantiser emits; Q4_0 nibbles 0 and 15) with power-of-two scales:
        // every product and sum is exact in float, so any overflow or bias error in the integer path shows.
        IKernels k = Kernels.Create(name);
        const int rows = 6, blocksPerRow = 19;
        var w8 = new BlockQ8_0[rows * blocksPerRow];
        var w4 = new BlockQ4_0[rows * blocksPerRow];
        var x8 = new BlockQ8_0[blocksPerRow];
        for (int b = 0; b < x8.Length; b++)
        {
            x8[b].Scale = (Half)0.5f;
            for (int j = 0; j < 32; j++)
            {
                x8[b].Quants[j] = (sbyte)((j + b) % 3 == 0 ? -127 : 127);
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

        float[] expected = new float[rows];
        float[] actual = new float[rows];
        Kernels.Reference.MatVecQ8_0(w8, x8, rows, expected);
        k.MatVecQ8_0(w8, x8, rows, actual);
        Assert.Equal(expected, actual);
        Kernels.Reference.MatVecQ4_0(w4, x8, rows, expected);
        k.MatVecQ4_0(w4, x8, rows, actual);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(TestData.SimdNames), MemberType = typeof(TestData))]
    public void Q4_0_matvec_decodes_subnormal_and_largest_half_scales_at_every_block_position(string name)
    {
        // Each row has one block with a nonzero scale, at positions 0-15 of two full groups of eight (the 512-bit path
        // gathers and decodes scales per group and spreads them over their blocks' lanes); weight scales are the
        // smallest and largest subnormal halves, the smallest normal, ±65504 and 1, against activation scales of
        // 65504, 2^-24 and 1. A wrong lane, a lost subnormal or an overflow is off by far more than the tolerance
        // (1e-5: the float sum of a block's lanes can cancel, so a few roundings show at 2e-6 of the result).
        IKernels k = Kernels.Create(name);
        ushort[] weightScales = [0x0001, 0x03FF, 0x0400, 0x7BFF, 0xFBFF, 0x8001, 0x3C00];
        ushort[] activationScales = [0x7BFF, 0x0001, 0x3C00];
        const int blocksPerRow = 16;
        int rows = weightScales.Length * blocksPerRow;
        var rng = new Random(4242);
        foreach (ushort xScale in activationScales)
        {
            var x8 = new BlockQ8_0[blocksPerRow];
            for (int b = 0; b < blocksPerRow; b++)
            {
                x8[b].Scale = BitConverter.UInt16BitsToHalf(xScale);
                for (int j = 0; j < 32; j++)
                {
                    x8[b].Quants[j] = (sbyte)rng.Next(-127, 128);
                }
            }

            var w4 = new BlockQ4_0[rows * blocksPerRow];
            for (int r = 0; r < rows; r++)
            {
                for (int b = 0; b < blocksPerRow; b++)
                {
                    ref BlockQ4_0 block = ref w4[(r * blocksPerRow) + b];
                    block.Scale = b == r % blocksPerRow ? BitConverter.UInt16BitsToHalf(weightScales[r / blocksPerRow]) : Half.Zero;
                    for (int j = 0; j < 16; j++)
                    {
                        block.Quants[j] = (byte)rng.Next(256);
                    }
                }
            }

            float[] expected = new float[rows];
            float[] actual = new float[rows];
            Kernels.Reference.MatVecQ4_0(w4, x8, rows, expected);
            k.MatVecQ4_0(w4, x8, rows, actual);
            Assert.All(expected, e => Assert.True(float.IsFinite(e) && e != 0f));
            TestData.Close(expected, actual, 1e-5f, 0f);
        }
    }

    [Fact]
    public void Quantised_matvec_approximates_the_float_product()
    {
        const int rows = 16, cols = 256;
        float[] w = TestData.Random(rows * cols, 5);
        float[] x = TestData.Random(cols, 6);
        float[] exact = new float[rows];
        Kernels.Reference.Gemm(false, true, 1, rows, cols, 1f, x, cols, w, cols, 0f, exact, rows);
        var w8 = new BlockQ8_0[rows * cols / 32];
        var x8 = new BlockQ8_0[cols / 32];
        Q8_0.Quantize(w, w8);
        Q8_0.Quantize(x, x8);
        float[] y = new float[rows];
        Kernels.Default.MatVecQ8_0(w8, x8, rows, y);
        for (int r = 0; r < rows; r++)
        {
            Assert.True(Math.Abs(exact[r] - y[r]) < 0.3f, $"{r}: {exact[r]} vs {y[r]}");
        }
    }

    [Fact]
    public void F16_conversion_rounds_to_nearest_even()
    {
        float[] x = [1f / 3f, 65519f, 65520f, 2049f, 2051f, -0f];
        var h = new Half[x.Length];
        FloatConversions.ToHalf(x, h);
        Assert.Equal([0x3555, 0x7BFF, 0x7C00, 0x6800, 0x6802, 0x8000], h.Select(v => (int)BitConverter.HalfToUInt16Bits(v)));
        var back = new float[x.Length];
        FloatConversions.FromHalf(h, back);
        Assert.Equal(2048f, back[3]);
    }

    [Fact]
    public void BF16_conversion_rounds_to_nearest_even_and_keeps_nan()
    {
        uint[] bits = [0x3F800000, 0x3F808000, 0x3F818000, 0x3F808001, 0x7F800000, 0x7FC00000, 0x7F800001, 0xFF800001];
        ushort[] expected = [0x3F80, 0x3F80, 0x3F82, 0x3F81, 0x7F80, 0x7FC0, 0x7FC0, 0xFFC0];
        float[] x = bits.Select(BitConverter.UInt32BitsToSingle).ToArray();
        var bf = new ushort[x.Length];
        FloatConversions.ToBFloat16(x, bf);
        Assert.Equal(expected, bf);
        Assert.Equal(1f, FloatConversions.FromBFloat16(0x3F80));
    }

    private static float[] Scaled(int length, ulong seed)
    {
        float[] x = TestData.Random(length, seed);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] *= MathF.Pow(10f, (i / 32 % 7) - 3); // each block has its own magnitude
        }

        return x;
    }

    private static void CheckMatVecs(IKernels k, BlockQ8_0[] w8, BlockQ8_0[] x8, BlockQ4_0[] w4, int rows)
    {
        float[] expected = new float[rows];
        float[] actual = new float[rows];
        Kernels.Reference.MatVecQ8_0(w8, x8, rows, expected);
        k.MatVecQ8_0(w8, x8, rows, actual);
        TestData.Close(expected, actual, 1e-5f, 1e-3f);
        Kernels.Reference.MatVecQ4_0(w4, x8, rows, expected);
        k.MatVecQ4_0(w4, x8, rows, actual);
        TestData.Close(expected, actual, 1e-5f, 1e-3f);
    }

    private static (BlockQ8_0[] A, BlockQ8_0[] B, BlockQ4_0[] W) Make(int blocks, ulong seed, int bBlocks = -1)
    {
        bBlocks = bBlocks < 0 ? blocks : bBlocks;
        var a = new BlockQ8_0[blocks];
        var b = new BlockQ8_0[bBlocks];
        var w = new BlockQ4_0[blocks];
        float[] xa = TestData.Random(blocks * 32, seed + 1);
        Q8_0.Quantize(xa, a);
        Q4_0.Quantize(xa, w);
        Q8_0.Quantize(TestData.Random(bBlocks * 32, seed + 2), b);
        return (a, b, w);
    }
}
