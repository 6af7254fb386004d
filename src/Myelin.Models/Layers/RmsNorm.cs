using Myelin.Numerics.Autograd;

namespace Myelin.Models.Layers;

/// <summary>RMSNorm over the last dimension with a learned gain (initialised to 1).</summary>
public sealed class RmsNorm : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="dim">Normalised width.</param>
    /// <param name="epsilon">Added to the mean square.</param>
    public RmsNorm(int dim, float epsilon = 1e-5f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        Epsilon = epsilon;
        Weight = CreateParameter("weight", Constant(1f), dim);
    }

    /// <summary>[dim]</summary>
    public Variable Weight { get; }

    /// <summary>Added to the mean square.</summary>
    public float Epsilon { get; }

    /// <summary>Applies the layer.</summary>
    /// <param name="tape">The tape to record on.</param>
    /// <param name="x">[..., dim]</param>
    /// <returns>[..., dim]</returns>
    public Variable Forward(Tape tape, Variable x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        return tape.RmsNorm(x, Weight, Epsilon);
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Variable>> NamedParameters()
    {
        yield return new("weight", Weight);
    }
}
