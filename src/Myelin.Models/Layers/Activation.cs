namespace Myelin.Models.Layers;

/// <summary>Element-wise non-linearities for <see cref="Mlp"/>.</summary>
public enum Activation
{
    /// <summary><c>max(x, 0)</c>.</summary>
    Relu,

    /// <summary>Exact (erf) GELU.</summary>
    Gelu,

    /// <summary>SiLU / swish.</summary>
    Silu,

    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
}
