using Myelin.Inference.Internal;
using Myelin.Models.Formats;
using Myelin.Numerics;
using Myelin.Numerics.Quantization;

namespace Myelin.Inference.Kernels;

/// <summary>
/// <c>y[t, r] = W[r] · x[t]</c> for Q8_0 or Q4_0 weights and Q8_0 activations, over many tokens: each weight row is
/// read from memory once and dotted with every token (the prefill / batched-decode product). Chunks are row ranges.
/// </summary>
internal sealed unsafe class QuantizedMatMulWork : ParallelWork
{
    public const int RowsPerChunk = 16;

    private IKernels? _kernels;
    private byte* _weights;
    private GgmlType _type;
    private int _rows;
    private int _blocksPerRow;
    private BlockQ8_0* _x;
    private int _tokens;
    private float* _y;

    public void Set(IKernels kernels, byte* weights, GgmlType type, int rows, int cols, BlockQ8_0* x, int tokens, float* y)
    {
        _kernels = kernels;
        _weights = weights;
        _type = type;
        _rows = rows;
        _blocksPerRow = cols / BlockQ8_0.BlockSize;
        _x = x;
        _tokens = tokens;
        _y = y;
    }

    public int Chunks => (_rows + RowsPerChunk - 1) / RowsPerChunk;

    public override void Execute(int chunk)
    {
        int start = chunk * RowsPerChunk;
        int end = Math.Min(_rows, start + RowsPerChunk);
        IKernels k = _kernels!;
        for (int r = start; r < end; r++)
        {
            if (_type == GgmlType.Q8_0)
            {
                var w = new ReadOnlySpan<BlockQ8_0>(_weights + ((long)r * _blocksPerRow * sizeof(BlockQ8_0)), _blocksPerRow);
                for (int t = 0; t < _tokens; t++)
                {
                    _y[((long)t * _rows) + r] = k.DotQ8_0(w, new ReadOnlySpan<BlockQ8_0>(_x + ((long)t * _blocksPerRow), _blocksPerRow));
                }
            }
            else
            {
                var w = new ReadOnlySpan<BlockQ4_0>(_weights + ((long)r * _blocksPerRow * sizeof(BlockQ4_0)), _blocksPerRow);
                for (int t = 0; t < _tokens; t++)
                {
                    _y[((long)t * _rows) + r] = k.DotQ4_0(w, new ReadOnlySpan<BlockQ8_0>(_x + ((long)t * _blocksPerRow), _blocksPerRow));
                }
            }
        }
    }
}
