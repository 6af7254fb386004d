namespace Myelin.Numerics.Internal;

/// <summary>Rotary-embedding angles, computed the same way by every implementation so they agree exactly.</summary>
internal static class RopeTables
{
    public static void Check(int length, int tokens, int heads, int headDim)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        ArgumentOutOfRangeException.ThrowIfNegative(heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        if ((headDim & 1) != 0)
        {
            ThrowHelper.ThrowArgument("headDim must be even.", nameof(headDim));
        }

        ThrowHelper.CheckLength(length, (long)tokens * heads * headDim, "x");
    }

    /// <summary>The inverse frequency of pair i: theta^(-2i / headDim), in double for accuracy.</summary>
    public static double InverseFrequency(int i, int headDim, float theta) => Math.Pow(theta, -2.0 * i / headDim);

    /// <summary>cos and sin of position * inverse frequency, evaluated in double then rounded.</summary>
    public static (float Cos, float Sin) Angle(int position, int i, int headDim, float theta)
    {
        double angle = position * InverseFrequency(i, headDim, theta);
        return ((float)Math.Cos(angle), (float)Math.Sin(angle));
    }
}
