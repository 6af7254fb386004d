using Myelin.Numerics.Autograd;

namespace Myelin.Models.Layers;

/// <summary>LayerNorm over the last dimension with learned gain (1) and bias (0).</summary>
public sealed class LayerNorm : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="dim">Normalised width.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="bias">Whether there is a learned bias.</param>
    public LayerNorm(int dim, float epsilon = 1e-5f, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        Epsilon = epsilon;
        Weight = CreateParameter("weight", Constant(1f), dim);
        Bias = bias ? CreateParameter("bias", Constant(0f), dim) : null;
    }

    /// <summary>[dim]</summary>
    public Variable Weight { get; }

    /// <summary>[dim], or null.</summary>
    public Variable? Bias { get; }

    /// <summary>Added to the variance.</summary>
    public float Epsilon { get; }

    /// <summary>Applies the layer.</summary>
    /// <param name="tape">The tape to record on.</param>
    /// <param name="x">[..., dim]</param>
    /// <returns>[..., dim]</returns>
    public Variable Forward(Tape tape, Variable x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        return tape.LayerNorm(x, Weight, Bias, Epsilon);
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
