using Myelin.Models.Layers;
using Myelin.Numerics;
using Myelin.Numerics.Autograd;

namespace Myelin.Models;

/// <summary>
/// Llama-style decoder-only language model: token embedding, <see cref="TransformerBlock"/>s (RMSNorm, GQA
/// attention with RoPE, SwiGLU), final RMSNorm and an output projection (optionally tied to the embedding).
/// Parameter names follow GGUF llama conventions (<c>token_embd.weight</c>, <c>blk.N.attn_q.weight</c>, ...).
/// </summary>
public sealed class LlamaModel : Module
{
    private readonly TransformerBlock[] _blocks;

    /// <summary>Creates a randomly initialised model.</summary>
    /// <param name="config">The hyper-parameters.</param>
    /// <param name="random">Seeded source for the initial values.</param>
    public LlamaModel(LlamaConfig config, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        TokenEmbedding = new Embedding(config.VocabSize, config.EmbeddingLength, random);
        _blocks = new TransformerBlock[config.BlockCount];
        for (int i = 0; i < _blocks.Length; i++)
        {
            _blocks[i] = new TransformerBlock(
                config.EmbeddingLength, config.HeadCount, config.HeadCountKv, config.FeedForwardLength,
                config.RopeFreqBase, config.RmsNormEpsilon, random);
        }

        OutputNorm = new RmsNorm(config.EmbeddingLength, config.RmsNormEpsilon);
        Output = config.TiedEmbeddings ? null : new Linear(config.EmbeddingLength, config.VocabSize, random, bias: false);
    }

    /// <summary>The hyper-parameters.</summary>
    public LlamaConfig Config { get; }

    /// <summary>Token embedding <c>[vocab, dim]</c>.</summary>
    public Embedding TokenEmbedding { get; }

    /// <summary>The transformer blocks.</summary>
    public IReadOnlyList<TransformerBlock> Blocks => _blocks;

    /// <summary>Final norm.</summary>
    public RmsNorm OutputNorm { get; }

    /// <summary>Output projection <c>[vocab, dim]</c>, or null when tied to the embedding.</summary>
    public Linear? Output { get; }

    /// <summary>Computes next-token logits for a batch of equal-length sequences.</summary>
    /// <param name="tape">The tape to record on.</param>
    /// <param name="tokens">[batch · seq] token ids, row-major.</param>
    /// <param name="batch">Number of sequences.</param>
    /// <returns>[batch, seq, vocab] logits.</returns>
    public Variable Forward(Tape tape, ReadOnlySpan<int> tokens, int batch)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if (tokens.Length % batch != 0)
        {
            throw new ArgumentException($"{tokens.Length} tokens do not split into {batch} sequences.", nameof(tokens));
        }

        int seq = tokens.Length / batch;
        Variable x = tape.Reshape(TokenEmbedding.Forward(tape, tokens), batch, seq, Config.EmbeddingLength);
        foreach (TransformerBlock block in _blocks)
        {
            x = block.Forward(tape, x);
        }

        x = OutputNorm.Forward(tape, x);
        return tape.MatMul(x, Output?.Weight ?? TokenEmbedding.Weight, transposeB: true);
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Variable>> NamedParameters()
    {
        yield return new("token_embd.weight", TokenEmbedding.Weight);
        for (int i = 0; i < _blocks.Length; i++)
        {
            foreach (KeyValuePair<string, Variable> kv in Prefixed($"blk.{i}.", _blocks[i]))
            {
                yield return kv;
            }
        }

        yield return new("output_norm.weight", OutputNorm.Weight);
        if (Output is not null)
        {
            yield return new("output.weight", Output.Weight);
        }
    }
}
