using System.Numerics;

namespace Myelin.Numerics;

/// <summary>
/// A small, fast, seeded pseudo-random generator (xoshiro256** seeded through splitmix64) whose output is
/// identical on every machine and runtime: it uses only integer arithmetic and correctly rounded IEEE
/// operations (its logarithm is implemented here rather than taken from the platform's libm).
/// </summary>
/// <remarks>Not thread-safe: give each thread its own instance. Not cryptographically secure.</remarks>
public sealed class SeededRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double _spare;
    private bool _hasSpare;

    /// <summary>Creates a generator whose whole sequence is determined by <paramref name="seed"/>.</summary>
    /// <param name="seed">Any value; equal seeds give equal sequences.</param>
    public SeededRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The next 64 uniformly random bits.</summary>
    /// <returns>A uniformly distributed value.</returns>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    /// <param name="maxExclusive">The exclusive upper bound; must be positive.</param>
    /// <returns>The value.</returns>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)(((NextUInt64() >> 32) * (ulong)maxExclusive) >> 32);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    /// <returns>The value.</returns>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform float in [0, 1) with 24 random bits.</summary>
    /// <returns>The value.</returns>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>A standard normal sample (Marsaglia's polar method).</summary>
    /// <returns>The value.</returns>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }

        double u;
        double v;
        double s;
        do
        {
            u = (2.0 * NextDouble()) - 1.0;
            v = (2.0 * NextDouble()) - 1.0;
            s = (u * u) + (v * v);
        }
        while (s >= 1.0 || s == 0.0);

        double factor = Math.Sqrt(-2.0 * Ln(s) / s);
        _spare = v * factor;
        _hasSpare = true;
        return u * factor;
    }

    /// <summary>Natural logarithm of a positive finite double using only correctly rounded operations.</summary>
    internal static double Ln(double x)
    {
        // x = m * 2^e with m in [sqrt(1/2), sqrt(2)); ln(m) = 2 atanh(t), t = (m - 1) / (m + 1), |t| < 0.1716.
        long bits = BitConverter.DoubleToInt64Bits(x);
        int e = (int)((bits >> 52) & 0x7FF) - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        if (e == -1023)
        {
            // Subnormal: rescale by 2^64 and recurse once.
            return Ln(x * 18446744073709551616.0) - (64 * 0.6931471805599453);
        }

        if (m > 1.4142135623730951)
        {
            m *= 0.5;
            e++;
        }

        double t = (m - 1.0) / (m + 1.0);
        double t2 = t * t;
        // atanh series to t^23: error below 2^-60 for |t| < 0.1716.
        double sum = 1.0 / 23;
        for (int k = 21; k >= 1; k -= 2)
        {
            sum = (sum * t2) + (1.0 / k);
        }

        return (e * 0.6931471805599453) + (2.0 * t * sum);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
