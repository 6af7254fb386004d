using Myelin.Inference.Models;
using Myelin.Numerics.Quantization;

namespace Myelin.Inference.Internal;

/// <summary>Scratch activations of a forward pass, grown to the largest batch seen and then reused.</summary>
internal sealed class Workspace
{
    private readonly ModelShape _shape;
    private int _tokens;
    private int _outRows;

    public Workspace(ModelShape shape) => _shape = shape;

    public float[] X { get; private set; } = [];

    public float[] Normed { get; private set; } = [];

    public float[] Query { get; private set; } = [];

    public float[] Key { get; private set; } = [];

    public float[] Value { get; private set; } = [];

    public float[] Attention { get; private set; } = [];

    public float[] Temp { get; private set; } = [];

    public float[] Gate { get; private set; } = [];

    public float[] Up { get; private set; } = [];

    public float[] Hidden { get; private set; } = [];

    public BlockQ8_0[] Quantized { get; private set; } = [];

    public void Ensure(int tokens, int outRows)
    {
        int d = _shape.EmbeddingLength;
        if (tokens > _tokens)
        {
            _tokens = tokens;
            X = new float[tokens * d];
            Normed = new float[tokens * d];
            Query = new float[tokens * d];
            Key = new float[tokens * _shape.KvDim];
            Value = new float[tokens * _shape.KvDim];
            Attention = new float[tokens * d];
            Temp = new float[tokens * d];
            Gate = new float[tokens * _shape.FeedForwardLength];
            Up = new float[tokens * _shape.FeedForwardLength];

            // Q8_0 activations of the widest input (the residual or the feed-forward inner width); only used when
            // that width is a multiple of 32, i.e. when the matrices are quantised.
            int widest = Math.Max(d, _shape.FeedForwardLength);
            Quantized = new BlockQ8_0[tokens * ((widest + BlockQ8_0.BlockSize - 1) / BlockQ8_0.BlockSize)];
        }

        if (outRows > _outRows)
        {
            _outRows = outRows;
            Hidden = new float[outRows * d];
        }
    }
}
