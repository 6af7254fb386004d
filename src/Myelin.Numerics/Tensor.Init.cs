namespace Myelin.Numerics;

/// <content>Deterministic seeded initialisation. Elements are filled in row-major order of the view.</content>
public sealed partial class Tensor
{
    /// <summary>Fills with samples from U[<paramref name="low"/>, <paramref name="high"/>).</summary>
    /// <param name="random">The generator; its state advances by one draw per element.</param>
    /// <param name="low">The inclusive lower bound.</param>
    /// <param name="high">The exclusive upper bound.</param>
    public void FillUniform(SeededRandom random, float low = 0f, float high = 1f)
    {
        ArgumentNullException.ThrowIfNull(random);
        FillWith(random, low, high, static (r, a, b) => (float)(a + ((b - a) * r.NextDouble())));
    }

    /// <summary>Fills with samples from N(<paramref name="mean"/>, <paramref name="std"/>^2).</summary>
    /// <param name="random">The generator.</param>
    /// <param name="mean">The mean.</param>
    /// <param name="std">The standard deviation.</param>
    public void FillNormal(SeededRandom random, float mean = 0f, float std = 1f)
    {
        ArgumentNullException.ThrowIfNull(random);
        FillWith(random, mean, std, static (r, m, s) => (float)(m + (s * r.NextGaussian())));
    }

    /// <summary>Kaiming (He) normal init: N(0, gain^2 / fanIn), gain = sqrt(2) for ReLU.</summary>
    /// <param name="random">The generator.</param>
    /// <param name="gain">The non-linearity gain.</param>
    public void FillKaimingNormal(SeededRandom random, float gain = 1.4142135f)
    {
        (int fanIn, _) = Fans();
        FillNormal(random, 0f, gain / MathF.Sqrt(Math.Max(fanIn, 1)));
    }

    /// <summary>Kaiming (He) uniform init: U(-b, b), b = gain * sqrt(3 / fanIn).</summary>
    /// <param name="random">The generator.</param>
    /// <param name="gain">The non-linearity gain.</param>
    public void FillKaimingUniform(SeededRandom random, float gain = 1.4142135f)
    {
        (int fanIn, _) = Fans();
        float bound = gain * MathF.Sqrt(3f / Math.Max(fanIn, 1));
        FillUniform(random, -bound, bound);
    }

    /// <summary>Xavier (Glorot) uniform init: U(-b, b), b = gain * sqrt(6 / (fanIn + fanOut)).</summary>
    /// <param name="random">The generator.</param>
    /// <param name="gain">The non-linearity gain.</param>
    public void FillXavierUniform(SeededRandom random, float gain = 1f)
    {
        (int fanIn, int fanOut) = Fans();
        float bound = gain * MathF.Sqrt(6f / Math.Max(fanIn + fanOut, 1));
        FillUniform(random, -bound, bound);
    }

    /// <summary>Xavier (Glorot) normal init: N(0, gain^2 * 2 / (fanIn + fanOut)).</summary>
    /// <param name="random">The generator.</param>
    /// <param name="gain">The non-linearity gain.</param>
    public void FillXavierNormal(SeededRandom random, float gain = 1f)
    {
        (int fanIn, int fanOut) = Fans();
        FillNormal(random, 0f, gain * MathF.Sqrt(2f / Math.Max(fanIn + fanOut, 1)));
    }

    /// <summary>
    /// Fan-in and fan-out as PyTorch computes them for a weight of shape [out, in, k...]:
    /// fanIn = in * prod(k), fanOut = out * prod(k); a rank-1 tensor has both equal to its length.
    /// </summary>
    /// <returns>The fans.</returns>
    public (int FanIn, int FanOut) Fans()
    {
        if (Rank < 2)
        {
            return (Length, Length);
        }

        int receptive = 1;
        for (int d = 2; d < Rank; d++)
        {
            receptive *= _shape[d];
        }

        return (_shape[1] * receptive, _shape[0] * receptive);
    }

    private void FillWith(SeededRandom random, float a, float b, Func<SeededRandom, float, float, float> sample)
    {
        Span<float> values = Length <= 4096 ? stackalloc float[Length] : new float[Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = sample(random, a, b);
        }

        CopyFrom(values);
    }
}
