namespace Myelin.Numerics;

/// <summary>Which formula <see cref="IKernels.Gelu"/> evaluates.</summary>
public enum GeluApproximation
{
    /// <summary>The exact form x/2 * (1 + erf(x / sqrt 2)) (erf to about 1e-7).</summary>
    Erf = 0,

    /// <summary>The tanh form x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))) used by GPT-2.</summary>
    Tanh = 1,
}
