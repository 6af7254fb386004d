using Myelin.Numerics;
using Myelin.Numerics.Autograd;

namespace Myelin.Models.Layers;

/// <summary>
/// Causal multi-head self-attention with grouped-query heads and rotary position embedding on queries and keys
/// (Llama layout: projections without bias, interleaved RoPE pairs as in GGUF llama tensors).
/// </summary>
public sealed class CausalSelfAttention : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="dim">Model width.</param>
    /// <param name="heads">Query heads; must divide <paramref name="dim"/>.</param>
    /// <param name="kvHeads">Key/value heads; must divide <paramref name="heads"/>.</param>
    /// <param name="ropeTheta">RoPE frequency base.</param>
    /// <param name="random">Seeded source for the initial values.</param>
    public CausalSelfAttention(int dim, int heads, int kvHeads, float ropeTheta, SeededRandom random)
    {
        if (heads <= 0 || dim % heads != 0 || kvHeads <= 0 || heads % kvHeads != 0 || (dim / heads) % 2 != 0)
        {
            throw new ArgumentException("heads must divide dim (with an even head size) and kvHeads must divide heads.");
        }

        Heads = heads;
        KvHeads = kvHeads;
        HeadDim = dim / heads;
        RopeTheta = ropeTheta;
        Query = new Linear(dim, heads * HeadDim, random, bias: false);
        Key = new Linear(dim, kvHeads * HeadDim, random, bias: false);
        Value = new Linear(dim, kvHeads * HeadDim, random, bias: false);
        Output = new Linear(heads * HeadDim, dim, random, bias: false);
    }

    /// <summary>Query heads.</summary>
    public int Heads { get; }

    /// <summary>Key/value heads.</summary>
    public int KvHeads { get; }

    /// <summary>Width of one head.</summary>
    public int HeadDim { get; }

    /// <summary>RoPE frequency base.</summary>
    public float RopeTheta { get; }

    /// <summary>Query projection <c>[heads·headDim, dim]</c>.</summary>
    public Linear Query { get; }

    /// <summary>Key projection <c>[kvHeads·headDim, dim]</c>.</summary>
    public Linear Key { get; }

    /// <summary>Value projection <c>[kvHeads·headDim, dim]</c>.</summary>
    public Linear Value { get; }

    /// <summary>Output projection <c>[dim, heads·headDim]</c>.</summary>
    public Linear Output { get; }

    /// <summary>Applies the layer.</summary>
    /// <param name="tape">The tape to record on.</param>
    /// <param name="x">[batch, seq, dim]</param>
    /// <returns>[batch, seq, dim]</returns>
    public Variable Forward(Tape tape, Variable x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        int batch = x.Size(0), seq = x.Size(1);
        Variable q = tape.Reshape(Query.Forward(tape, x), batch, seq, Heads, HeadDim);
        Variable k = tape.Reshape(Key.Forward(tape, x), batch, seq, KvHeads, HeadDim);
        Variable v = tape.Reshape(Value.Forward(tape, x), batch, seq, KvHeads, HeadDim);
        q = tape.Rope(q, RopeTheta, RopeLayout.Interleaved);
        k = tape.Rope(k, RopeTheta, RopeLayout.Interleaved);
        Variable o = tape.Attention(q, k, v, causal: true);
        return Output.Forward(tape, tape.Reshape(o, batch, seq, Heads * HeadDim));
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Variable>> NamedParameters()
    {
        yield return new("attn_q.weight", Query.Weight);
        yield return new("attn_k.weight", Key.Weight);
        yield return new("attn_v.weight", Value.Weight);
        yield return new("attn_output.weight", Output.Weight);
    }
}
