namespace Myelin.Numerics;

public class TensorTests
{
    [Fact]
    public void New_tensor_is_contiguous_row_major()
    {
        using var t = Tensor.Zeros(2, 3, 4);
        Assert.Equal([2, 3, 4], t.Shape.ToArray());
        Assert.Equal([12, 4, 1], t.Strides.ToArray());
        Assert.True(t.IsContiguous);
        Assert.Equal(24, t.Length);
        Assert.All(t.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Huge_page_sized_tensors_are_zeroed_aligned_and_writable()
    {
        // 1100 x 1000 floats = 4.4 MB: above the 4 MiB threshold where buffers are 2 MiB aligned and advised as huge pages.
        using var allocator = new TensorAllocator(maxPooledBytes: 0);
        using Tensor big = allocator.Allocate([1100, 1000]);
        Span<float> span = big.AsSpan();
        Assert.Equal(1_100_000, span.Length);
        Assert.All(span.ToArray(), v => Assert.Equal(0f, v));
        unsafe
        {
            fixed (float* p = span)
            {
                Assert.Equal(0, (long)p % (OperatingSystem.IsLinux() ? 2 << 20 : 64));
            }
        }

        for (int i = 0; i < span.Length; i++)
        {
            span[i] = i;
        }

        Assert.Equal(1_099_999f, big[1099, 999]);
    }

    [Fact]
    public void Views_share_memory_without_copying()
    {
        using var t = Tensor.FromSpan(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 3, 4);
        using var tt = t.Transpose();
        Assert.Equal([4, 3], tt.Shape.ToArray());
        Assert.Equal([1, 4], tt.Strides.ToArray());
        Assert.False(tt.IsContiguous);
        Assert.Equal(t[1, 2], tt[2, 1]);

        using var narrow = t.Narrow(1, 1, 2);
        Assert.Equal([1f, 2f, 5f, 6f, 9f, 10f], narrow.ToArray());
        narrow[0, 0] = 100f;
        Assert.Equal(100f, t[0, 1]);

        using var row = t.Select(0, 2);
        Assert.Equal([8f, 9f, 10f, 11f], row.ToArray());
        using var col = t.Select(1, 3);
        Assert.Equal([3f, 7f, 11f], col.ToArray());
        using var rows = t.Slice(1, 2);
        Assert.Equal(4f, rows[0, 0]);
    }

    [Fact]
    public void Permute_reshape_and_contiguous()
    {
        using var t = Tensor.FromSpan(Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), 2, 3, 4);
        using var p = t.Permute(2, 0, 1);
        Assert.Equal([4, 2, 3], p.Shape.ToArray());
        Assert.Equal(t.GetValue(1, 2, 3), p.GetValue(3, 1, 2));
        Assert.Throws<InvalidOperationException>(() => p.Reshape(24));
        using var c = p.Contiguous();
        Assert.True(c.IsContiguous);
        Assert.Equal(p.ToArray(), c.ToArray());
        using var r = c.Reshape(4, -1);
        Assert.Equal([4, 6], r.Shape.ToArray());
        using var same = t.Contiguous();
        same[0, 0, 0] = 42f;
        Assert.Equal(42f, t[0, 0, 0]);
    }

    [Fact]
    public void Strided_copy_and_fill()
    {
        using var t = Tensor.Zeros(3, 4);
        using var tt = t.Transpose();
        tt.CopyFrom(Enumerable.Range(0, 12).Select(i => (float)i).ToArray());
        Assert.Equal(1f, t[1, 0]);
        using var col = t.Select(1, 2);
        col.Fill(-1f);
        Assert.Equal([-1f, -1f, -1f], col.ToArray());
    }

    [Fact]
    public void Buffers_are_aligned_and_return_to_the_pool_when_last_view_is_disposed()
    {
        using var allocator = new TensorAllocator();
        Tensor t = allocator.Allocate([100]);
        Tensor view = t.Narrow(0, 10, 5);
        t.Dispose();
        Assert.Equal(0, allocator.PooledBytes);
        Assert.Equal(0f, view[0]);
        view.Dispose();
        Assert.Equal(128 * sizeof(float), allocator.PooledBytes);
        using Tensor again = allocator.Allocate([120]);
        Assert.Equal(0, allocator.PooledBytes);
        unsafe
        {
            fixed (float* p = again.AsSpan())
            {
                Assert.Equal(0, (long)p % 64);
            }
        }

        Assert.Throws<ObjectDisposedException>(() => t.AsSpan());
    }

    [Fact]
    public void Zero_length_and_scalar_tensors_work()
    {
        using var empty = Tensor.Zeros(0, 5);
        Assert.Equal(0, empty.Length);
        Assert.Empty(empty.ToArray());
        using var scalar = Tensor.Full(3f);
        Assert.Equal(1, scalar.Length);
        Assert.Equal(3f, scalar.GetValue());
    }

    [Fact]
    public void Seeded_random_matches_known_xoshiro256_starstar_output()
    {
        var rng = new SeededRandom(0);
        Assert.Equal(0x99ec5f36cb75f2b4UL, rng.NextUInt64());
        Assert.Equal(0xbf6e1f784956452aUL, rng.NextUInt64());
        Assert.Equal(0x1a5f849d4933e6e0UL, rng.NextUInt64());
    }

    [Fact]
    public void Portable_log_matches_math_log()
    {
        var rng = new SeededRandom(3);
        for (int i = 0; i < 10000; i++)
        {
            double x = Math.Exp((rng.NextDouble() * 1400) - 700);
            double expected = Math.Log(x);
            Assert.True(Math.Abs(SeededRandom.Ln(x) - expected) <= 4e-16 * Math.Max(1, Math.Abs(expected)), $"{x}");
        }
    }

    [Fact]
    public void Init_is_deterministic_and_has_the_requested_moments()
    {
        using var a = Tensor.Empty(256, 512);
        using var b = Tensor.Empty(256, 512);
        a.FillKaimingNormal(new SeededRandom(42));
        b.FillKaimingNormal(new SeededRandom(42));
        Assert.Equal(a.ToArray(), b.ToArray());
        float[] v = a.ToArray();
        double mean = v.Average();
        double std = Math.Sqrt(v.Select(x => (x - mean) * (x - mean)).Average());
        Assert.InRange(mean, -0.005, 0.005);
        Assert.InRange(std, Math.Sqrt(2.0 / 512) * 0.98, Math.Sqrt(2.0 / 512) * 1.02);

        a.FillXavierUniform(new SeededRandom(1));
        double bound = Math.Sqrt(6.0 / (256 + 512));
        Assert.All(a.ToArray(), x => Assert.InRange(x, -bound, bound));
        a.FillUniform(new SeededRandom(1), 2f, 3f);
        Assert.All(a.ToArray(), x => Assert.InRange(x, 2f, 3f));
        a.FillNormal(new SeededRandom(7), 5f, 0.1f);
        Assert.InRange(a.ToArray().Average(), 4.99, 5.01);
        a.FillKaimingUniform(new SeededRandom(8));
        a.FillXavierNormal(new SeededRandom(9));
        Assert.Equal((512, 256), a.Fans());
    }
}
