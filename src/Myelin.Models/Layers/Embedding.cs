using Myelin.Numerics;
using Myelin.Numerics.Autograd;

namespace Myelin.Models.Layers;

/// <summary>Token embedding table <c>[vocab, dim]</c>, initialised from N(0, 0.02²)-like uniform noise.</summary>
public sealed class Embedding : Module
{
    /// <summary>Creates the table.</summary>
    /// <param name="vocabSize">Number of rows.</param>
    /// <param name="dim">Row width.</param>
    /// <param name="random">Seeded source for the initial values.</param>
    public Embedding(int vocabSize, int dim, SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        ArgumentNullException.ThrowIfNull(random);
        Weight = CreateParameter("weight", d =>
        {
            for (int i = 0; i < d.Length; i++)
            {
                d[i] = (float)(random.NextGaussian() * 0.02);
            }
        }, vocabSize, dim);
    }

    /// <summary>[vocab, dim]</summary>
    public Variable Weight { get; }

    /// <summary>Number of rows.</summary>
    public int VocabSize => Weight.Size(0);

    /// <summary>Row width.</summary>
    public int Dim => Weight.Size(1);

    /// <summary>Looks up rows.</summary>
    /// <param name="tape">The tape to record on.</param>
    /// <param name="ids">[n] token ids.</param>
    /// <returns>[n, dim]</returns>
    public Variable Forward(Tape tape, ReadOnlySpan<int> ids)
    {
        ArgumentNullException.ThrowIfNull(tape);
        return tape.Embedding(Weight, ids);
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Variable>> NamedParameters()
    {
        yield return new("weight", Weight);
    }
}
