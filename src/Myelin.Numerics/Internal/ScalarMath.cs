namespace Myelin.Numerics.Internal;

/// <summary>Scalar formulas shared by the reference kernels and the scalar tails of the SIMD kernels.</summary>
internal static class ScalarMath
{
    /// <summary>sqrt(2 / pi), the tanh-GELU constant.</summary>
    public const float SqrtTwoOverPi = 0.7978845608028654f;

    /// <summary>1 / sqrt(2), the erf-GELU constant.</summary>
    public const float InvSqrtTwo = 0.7071067811865476f;

    public static float Silu(float x) => x / (1f + MathF.Exp(-x));

    public static float GeluTanh(float x)
    {
        float u = SqrtTwoOverPi * (x + (0.044715f * x * x * x));
        return 0.5f * x * (1f + MathF.Tanh(u));
    }

    public static float GeluErf(float x) => 0.5f * x * (1f + Erf(x * InvSqrtTwo));

    /// <summary>erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7); the SIMD kernels use the same formula.</summary>
    public static float Erf(float x)
    {
        float ax = MathF.Abs(x);
        float t = 1f / (1f + (ErfP * ax));
        float poly = ((((((((ErfA5 * t) + ErfA4) * t) + ErfA3) * t) + ErfA2) * t) + ErfA1) * t;
        float y = 1f - (poly * MathF.Exp(-ax * ax));
        return MathF.CopySign(y, x);
    }

    public const float ErfP = 0.3275911f;
    public const float ErfA1 = 0.254829592f;
    public const float ErfA2 = -0.284496736f;
    public const float ErfA3 = 1.421413741f;
    public const float ErfA4 = -1.453152027f;
    public const float ErfA5 = 1.061405429f;
}
