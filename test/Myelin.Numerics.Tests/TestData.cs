namespace Myelin.Numerics;

/// <summary>Seeded inputs and tolerance checks shared by the kernel tests.</summary>
internal static class TestData
{
    /// <summary>Every kernel implementation name, so each SIMD path runs in this process.</summary>
    public static TheoryData<string> SimdNames => new() { "simd-512", "simd-256", "simd-128", "simd-scalar" };

    public static float[] Random(int length, ulong seed, float scale = 1f)
    {
        var rng = new SeededRandom(seed);
        var x = new float[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = (float)(rng.NextGaussian() * scale);
        }

        return x;
    }

    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float relative = 1e-5f, float absolute = 1e-6f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Close(expected[i], actual[i], relative, absolute, i);
        }
    }

    public static void Close(float expected, float actual, float relative, float absolute, int index = 0)
    {
        if (float.IsNaN(expected))
        {
            Assert.True(float.IsNaN(actual), $"[{index}] expected NaN, got {actual}");
            return;
        }

        float tolerance = absolute + (relative * Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"[{index}] expected {expected}, got {actual} (tolerance {tolerance})");
    }
}
