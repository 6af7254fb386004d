using Myelin.Numerics;
using Myelin.Numerics.Autograd;

namespace Myelin.Models.Layers;

/// <summary>
/// Gated recurrent unit cell with PyTorch's equations and layout (gates ordered r, z, n):
/// <c>r = σ(W_ir x + b_ir + W_hr h + b_hr)</c>, <c>z = σ(W_iz x + b_iz + W_hz h + b_hz)</c>,
/// <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c>, <c>h' = (1 − z) ⊙ n + z ⊙ h</c>.
/// </summary>
public sealed class GruCell : Module
{
    /// <summary>Creates the cell with weights from U(−1/√hidden, 1/√hidden).</summary>
    /// <param name="inputSize">Input width.</param>
    /// <param name="hiddenSize">State width.</param>
    /// <param name="random">Seeded source for the initial values.</param>
    public GruCell(int inputSize, int hiddenSize, SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        HiddenSize = hiddenSize;
        float bound = 1f / MathF.Sqrt(hiddenSize);
        WeightIh = CreateParameter("weight_ih", Uniform(random, bound), 3 * hiddenSize, inputSize);
        WeightHh = CreateParameter("weight_hh", Uniform(random, bound), 3 * hiddenSize, hiddenSize);
        BiasIh = CreateParameter("bias_ih", Uniform(random, bound), 3 * hiddenSize);
        BiasHh = CreateParameter("bias_hh", Uniform(random, bound), 3 * hiddenSize);
    }

    /// <summary>State width.</summary>
    public int HiddenSize { get; }

    /// <summary>[3·hidden, input]</summary>
    public Variable WeightIh { get; }

    /// <summary>[3·hidden, hidden]</summary>
    public Variable WeightHh { get; }

    /// <summary>[3·hidden]</summary>
    public Variable BiasIh { get; }

    /// <summary>[3·hidden]</summary>
    public Variable BiasHh { get; }

    /// <summary>One step.</summary>
    /// <param name="tape">The tape to record on.</param>
    /// <param name="x">[batch, input]</param>
    /// <param name="h">[batch, hidden]</param>
    /// <returns>The next state [batch, hidden].</returns>
    public Variable Forward(Tape tape, Variable x, Variable h)
    {
        ArgumentNullException.ThrowIfNull(tape);
        int hs = HiddenSize;
        Variable gi = tape.Add(tape.MatMul(x, WeightIh, transposeB: true), BiasIh);
        Variable gh = tape.Add(tape.MatMul(h, WeightHh, transposeB: true), BiasHh);
        Variable r = tape.Sigmoid(tape.Add(tape.Narrow(gi, 1, 0, hs), tape.Narrow(gh, 1, 0, hs)));
        Variable z = tape.Sigmoid(tape.Add(tape.Narrow(gi, 1, hs, hs), tape.Narrow(gh, 1, hs, hs)));
        Variable n = tape.Tanh(tape.Add(tape.Narrow(gi, 1, 2 * hs, hs), tape.Multiply(r, tape.Narrow(gh, 1, 2 * hs, hs))));

        // h' = n + z ⊙ (h − n)
        return tape.Add(n, tape.Multiply(z, tape.Subtract(h, n)));
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Variable>> NamedParameters()
    {
        yield return new("weight_ih", WeightIh);
        yield return new("weight_hh", WeightHh);
        yield return new("bias_ih", BiasIh);
        yield return new("bias_hh", BiasHh);
    }
}
