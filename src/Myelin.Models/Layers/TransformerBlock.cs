using Myelin.Numerics;
using Myelin.Numerics.Autograd;

namespace Myelin.Models.Layers;

/// <summary>Pre-norm Llama block: <c>h = x + attn(norm(x)); out = h + ffn(norm(h))</c>.</summary>
public sealed class TransformerBlock : Module
{
    /// <summary>Creates the block.</summary>
    /// <param name="dim">Model width.</param>
    /// <param name="heads">Query heads.</param>
    /// <param name="kvHeads">Key/value heads.</param>
    /// <param name="hiddenDim">Feed-forward inner width.</param>
    /// <param name="ropeTheta">RoPE frequency base.</param>
    /// <param name="epsilon">RMSNorm epsilon.</param>
    /// <param name="random">Seeded source for the initial values.</param>
    public TransformerBlock(int dim, int heads, int kvHeads, int hiddenDim, float ropeTheta, float epsilon, SeededRandom random)
    {
        AttentionNorm = new RmsNorm(dim, epsilon);
        Attention = new CausalSelfAttention(dim, heads, kvHeads, ropeTheta, random);
        FeedForwardNorm = new RmsNorm(dim, epsilon);
        FeedForward = new SwiGluFeedForward(dim, hiddenDim, random);
    }

    /// <summary>Norm before attention.</summary>
    public RmsNorm AttentionNorm { get; }

    /// <summary>Self-attention.</summary>
    public CausalSelfAttention Attention { get; }

    /// <summary>Norm before the feed-forward block.</summary>
    public RmsNorm FeedForwardNorm { get; }

    /// <summary>Feed-forward block.</summary>
    public SwiGluFeedForward FeedForward { get; }

    /// <summary>Applies the block.</summary>
    /// <param name="tape">The tape to record on.</param>
    /// <param name="x">[batch, seq, dim]</param>
    /// <returns>[batch, seq, dim]</returns>
    public Variable Forward(Tape tape, Variable x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        Variable h = tape.Add(x, Attention.Forward(tape, AttentionNorm.Forward(tape, x)));
        return tape.Add(h, FeedForward.Forward(tape, FeedForwardNorm.Forward(tape, h)));
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Variable>> NamedParameters()
    {
        yield return new("attn_norm.weight", AttentionNorm.Weight);
        foreach (KeyValuePair<string, Variable> kv in Attention.NamedParameters())
        {
            yield return kv;
        }

        yield return new("ffn_norm.weight", FeedForwardNorm.Weight);
        foreach (KeyValuePair<string, Variable> kv in FeedForward.NamedParameters())
        {
            yield return kv;
        }
    }
}
