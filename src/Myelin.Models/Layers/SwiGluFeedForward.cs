using Myelin.Numerics;
using Myelin.Numerics.Autograd;

namespace Myelin.Models.Layers;

/// <summary>Llama feed-forward block: <c>down(silu(gate(x)) ⊙ up(x))</c>, projections without bias.</summary>
public sealed class SwiGluFeedForward : Module
{
    /// <summary>Creates the block.</summary>
    /// <param name="dim">Model width.</param>
    /// <param name="hiddenDim">Inner width.</param>
    /// <param name="random">Seeded source for the initial values.</param>
    public SwiGluFeedForward(int dim, int hiddenDim, SeededRandom random)
    {
        Gate = new Linear(dim, hiddenDim, random, bias: false);
        Up = new Linear(dim, hiddenDim, random, bias: false);
        Down = new Linear(hiddenDim, dim, random, bias: false);
    }

    /// <summary>Gate projection <c>[hidden, dim]</c>.</summary>
    public Linear Gate { get; }

    /// <summary>Up projection <c>[hidden, dim]</c>.</summary>
    public Linear Up { get; }

    /// <summary>Down projection <c>[dim, hidden]</c>.</summary>
    public Linear Down { get; }

    /// <summary>Applies the block.</summary>
    /// <param name="tape">The tape to record on.</param>
    /// <param name="x">[..., dim]</param>
    /// <returns>[..., dim]</returns>
    public Variable Forward(Tape tape, Variable x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        return Down.Forward(tape, tape.SwiGlu(Gate.Forward(tape, x), Up.Forward(tape, x)));
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Variable>> NamedParameters()
    {
        yield return new("ffn_gate.weight", Gate.Weight);
        yield return new("ffn_up.weight", Up.Weight);
        yield return new("ffn_down.weight", Down.Weight);
    }
}
