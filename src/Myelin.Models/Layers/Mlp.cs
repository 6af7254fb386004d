using Myelin.Numerics;
using Myelin.Numerics.Autograd;

namespace Myelin.Models.Layers;

/// <summary>Multi-layer perceptron: Linear layers with an activation between them (none after the last).</summary>
public sealed class Mlp : Module
{
    private readonly Linear[] _layers;

    /// <summary>Creates the network.</summary>
    /// <param name="sizes">Widths from input to output, e.g. <c>[784, 256, 256, 10]</c> (at least two).</param>
    /// <param name="random">Seeded source for the initial values.</param>
    /// <param name="activation">Activation between layers.</param>
    public Mlp(IReadOnlyList<int> sizes, SeededRandom random, Activation activation = Activation.Relu)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 2)
        {
            throw new ArgumentException("An MLP needs at least an input and an output size.", nameof(sizes));
        }

        _layers = new Linear[sizes.Count - 1];
        for (int i = 0; i < _layers.Length; i++)
        {
            _layers[i] = new Linear(sizes[i], sizes[i + 1], random);
        }

        Activation = activation;
    }

    /// <summary>The activation between layers.</summary>
    public Activation Activation { get; }

    /// <summary>The layers, input first.</summary>
    public IReadOnlyList<Linear> Layers => _layers;

    /// <summary>Applies the network.</summary>
    /// <param name="tape">The tape to record on.</param>
    /// <param name="x">[..., in]</param>
    /// <returns>[..., out]</returns>
    public Variable Forward(Tape tape, Variable x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        for (int i = 0; i < _layers.Length; i++)
        {
            x = _layers[i].Forward(tape, x);
            if (i < _layers.Length - 1)
            {
                x = Activation switch
                {
                    Activation.Relu => tape.Relu(x),
                    Activation.Gelu => tape.Gelu(x),
                    Activation.Silu => tape.Silu(x),
                    _ => tape.Tanh(x),
                };
            }
        }

        return x;
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Variable>> NamedParameters()
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            foreach (KeyValuePair<string, Variable> kv in Prefixed($"layers.{i}.", _layers[i]))
            {
                yield return kv;
            }
        }
    }
}
