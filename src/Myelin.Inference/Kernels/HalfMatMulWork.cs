using System.Numerics.Tensors;
using Myelin.Inference.Internal;
using Myelin.Models.Formats;

namespace Myelin.Inference.Kernels;

/// <summary>
/// <c>y[t, r] = W[r] · x[t]</c> for F16 or BF16 weights: each row is converted once into a small per-thread float
/// buffer (never the whole matrix) and dotted with every token. Chunks are row ranges.
/// </summary>
internal sealed unsafe class HalfMatMulWork : ParallelWork
{
    public const int RowsPerChunk = 16;

    [ThreadStatic]
    private static float[]? t_row;

    private byte* _weights;
    private GgmlType _type;
    private int _rows;
    private int _cols;
    private float* _x;
    private int _tokens;
    private float* _y;

    public void Set(byte* weights, GgmlType type, int rows, int cols, float* x, int tokens, float* y)
    {
        _weights = weights;
        _type = type;
        _rows = rows;
        _cols = cols;
        _x = x;
        _tokens = tokens;
        _y = y;
    }

    public int Chunks => (_rows + RowsPerChunk - 1) / RowsPerChunk;

    public override void Execute(int chunk)
    {
        float[] buffer = t_row is { } b && b.Length >= _cols ? b : (t_row = new float[_cols]);
        Span<float> row = buffer.AsSpan(0, _cols);
        int start = chunk * RowsPerChunk;
        int end = Math.Min(_rows, start + RowsPerChunk);
        for (int r = start; r < end; r++)
        {
            RowConversions.ToSingle(_weights + ((long)r * _cols * sizeof(ushort)), _type, _cols, row);
            for (int t = 0; t < _tokens; t++)
            {
                _y[((long)t * _rows) + r] = TensorPrimitives.Dot(row, new ReadOnlySpan<float>(_x + ((long)t * _cols), _cols));
            }
        }
    }
}
