using Myelin.Numerics;
using Myelin.Numerics.Autograd;

namespace Myelin.Models.Layers;

/// <summary>Affine layer <c>y = x Wᵀ + b</c> with PyTorch's layout (weight <c>[out, in]</c>) and default init.</summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer with weights and bias drawn from U(−1/√in, 1/√in).</summary>
    /// <param name="inFeatures">Input width.</param>
    /// <param name="outFeatures">Output width.</param>
    /// <param name="random">Seeded source for the initial values.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    public Linear(int inFeatures, int outFeatures, SeededRandom random, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        float bound = 1f / MathF.Sqrt(inFeatures);
        Weight = CreateParameter("weight", Uniform(random, bound), outFeatures, inFeatures);
        Bias = bias ? CreateParameter("bias", Uniform(random, bound), outFeatures) : null;
    }

    /// <summary>Input width.</summary>
    public int InFeatures { get; }

    /// <summary>Output width.</summary>
    public int OutFeatures { get; }

    /// <summary>[out, in]</summary>
    public Variable Weight { get; }

    /// <summary>[out], or null.</summary>
    public Variable? Bias { get; }

    /// <summary>Applies the layer.</summary>
    /// <param name="tape">The tape to record on.</param>
    /// <param name="x">[..., in]</param>
    /// <returns>[..., out]</returns>
    public Variable Forward(Tape tape, Variable x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        Variable y = tape.MatMul(x, Weight, transposeB: true);
        return Bias is null ? y : tape.Add(y, Bias);
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Variable>> NamedParameters()
    {
        yield return new("weight", Weight);
        if (Bias is not null)
        {
            yield return new("bias", Bias);
        }
    }
}
