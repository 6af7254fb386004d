using Myelin.Numerics;

namespace Myelin.Inference.Models;

/// <summary>
/// The hyper-parameters of a decoder-only Llama-family transformer, as stored in a GGUF file's
/// <c>{arch}.*</c> metadata.
/// </summary>
/// <param name="Architecture">Which architecture: decides the RoPE layout and whether Q/K/V carry biases.</param>
/// <param name="VocabSize">Rows of the token embedding and of the output matrix.</param>
/// <param name="ContextLength">The longest sequence (positions) the model supports.</param>
/// <param name="EmbeddingLength">The residual width (hidden size).</param>
/// <param name="BlockCount">Number of transformer blocks.</param>
/// <param name="FeedForwardLength">Inner width of the SwiGLU feed-forward network.</param>
/// <param name="HeadCount">Query heads.</param>
/// <param name="HeadCountKv">Key/value heads; must divide <paramref name="HeadCount"/> (grouped-query attention).</param>
/// <param name="RopeFreqBase">RoPE frequency base (theta).</param>
/// <param name="RmsNormEpsilon">Epsilon of every RMSNorm.</param>
/// <param name="TiedEmbeddings">When true there is no <c>output.weight</c>; logits use the token embedding.</param>
public sealed record ModelShape(
    ModelArchitecture Architecture,
    int VocabSize,
    int ContextLength,
    int EmbeddingLength,
    int BlockCount,
    int FeedForwardLength,
    int HeadCount,
    int HeadCountKv,
    float RopeFreqBase = 10000f,
    float RmsNormEpsilon = 1e-5f,
    bool TiedEmbeddings = false)
{
    /// <summary>Dimensions per attention head: <c>EmbeddingLength / HeadCount</c>.</summary>
    public int HeadDim => EmbeddingLength / HeadCount;

    /// <summary>Width of the key (and value) projection: <c>HeadCountKv * HeadDim</c>.</summary>
    public int KvDim => HeadCountKv * HeadDim;

    /// <summary>The RoPE pairing this architecture uses.</summary>
    public RopeLayout RopeLayout => Architecture == ModelArchitecture.Qwen2 ? RopeLayout.NeoX : RopeLayout.Interleaved;

    /// <summary>Whether the Q, K and V projections have biases (Qwen2).</summary>
    public bool HasQkvBias => Architecture == ModelArchitecture.Qwen2;

    /// <summary>The <c>general.architecture</c> string of <see cref="Architecture"/>.</summary>
    public string ArchitectureName => ArchitectureNames.ToName(Architecture);

    /// <summary>Number of weights (parameters) of a model of this shape.</summary>
    public long ParameterCount
    {
        get
        {
            long d = EmbeddingLength;
            long perBlock = (2 * d) + (d * d * 2) + (2 * d * KvDim) + (3 * d * FeedForwardLength)
                + (HasQkvBias ? d + (2L * KvDim) : 0);
            return ((long)VocabSize * d * (TiedEmbeddings ? 1 : 2)) + d + (BlockCount * perBlock);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent value.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Architecture))
        {
            throw new ArgumentException($"Unknown architecture {Architecture}.", nameof(Architecture));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(VocabSize, nameof(VocabSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ContextLength, nameof(ContextLength));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EmbeddingLength, nameof(EmbeddingLength));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BlockCount, nameof(BlockCount));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(FeedForwardLength, nameof(FeedForwardLength));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HeadCount, nameof(HeadCount));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HeadCountKv, nameof(HeadCountKv));
        if (EmbeddingLength % HeadCount != 0)
        {
            throw new ArgumentException(
                $"EmbeddingLength ({EmbeddingLength}) must be a multiple of HeadCount ({HeadCount}).", nameof(EmbeddingLength));
        }

        if (HeadCount % HeadCountKv != 0)
        {
            throw new ArgumentException($"HeadCountKv ({HeadCountKv}) must divide HeadCount ({HeadCount}).", nameof(HeadCountKv));
        }

        if (HeadDim % 2 != 0)
        {
            throw new ArgumentException($"The head dimension ({HeadDim}) must be even for RoPE.", nameof(HeadCount));
        }

        if (!(RopeFreqBase > 0f) || float.IsInfinity(RopeFreqBase))
        {
            throw new ArgumentException($"RopeFreqBase must be positive and finite (was {RopeFreqBase}).", nameof(RopeFreqBase));
        }

        if (!(RmsNormEpsilon > 0f) || float.IsInfinity(RmsNormEpsilon))
        {
            throw new ArgumentException($"RmsNormEpsilon must be positive and finite (was {RmsNormEpsilon}).", nameof(RmsNormEpsilon));
        }
    }
}
