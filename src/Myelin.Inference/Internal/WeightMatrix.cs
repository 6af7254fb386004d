using Myelin.Inference.Kernels;
using Myelin.Models.Formats;
using Myelin.Numerics;
using Myelin.Numerics.Quantization;

namespace Myelin.Inference.Internal;

/// <summary>
/// A <c>[rows, cols]</c> row-major weight matrix read in place from the memory-mapped GGUF file, in any supported
/// type. Products dispatch on the type: F32 to GEMM, Q8_0/Q4_0 to integer dot products on the blocks, F16/BF16 to
/// row-wise conversion.
/// </summary>
internal sealed unsafe class WeightMatrix
{
    private readonly byte* _data;

    public WeightMatrix(string name, byte* data, GgmlType type, int rows, int cols)
    {
        Name = name;
        _data = data;
        Type = type;
        Rows = rows;
        Cols = cols;
        RowBytes = GgmlTypeTraits.ByteSize(type, [cols]);
    }

    public string Name { get; }

    public GgmlType Type { get; }

    public int Rows { get; }

    public int Cols { get; }

    public long RowBytes { get; }

    public long ByteSize => RowBytes * Rows;

    public bool IsQuantized => Type is GgmlType.Q8_0 or GgmlType.Q4_0;

    /// <summary>Decodes row <paramref name="row"/> into <paramref name="destination"/> <c>[cols]</c>.</summary>
    public void GetRow(int row, Span<float> destination) =>
        RowConversions.ToSingle(_data + (row * RowBytes), Type, Cols, destination);

    /// <summary><c>y[tokens, rows] = x[tokens, cols] · Wᵀ</c>.</summary>
    /// <param name="ctx">Kernels and worker threads.</param>
    /// <param name="x">[tokens, cols]</param>
    /// <param name="tokens">Rows of x.</param>
    /// <param name="y">[tokens, rows]</param>
    /// <param name="xq">Scratch for the Q8_0 activations, at least <c>[tokens * cols / 32]</c> blocks.</param>
    public void MatMul(InferenceContext ctx, ReadOnlySpan<float> x, int tokens, Span<float> y, Span<BlockQ8_0> xq)
    {
        IKernels k = ctx.Kernels;
        switch (Type)
        {
            case GgmlType.F32:
                k.Gemm(false, true, tokens, Rows, Cols, 1f, x[..(tokens * Cols)], Cols,
                    new ReadOnlySpan<float>(_data, checked(Rows * Cols)), Cols, 0f, y, Rows);
                break;
            case GgmlType.Q8_0:
            case GgmlType.Q4_0:
                QuantizedMatMul(ctx, x, tokens, y, xq);
                break;
            default:
                fixed (float* px = x)
                fixed (float* py = y)
                {
                    HalfMatMulWork work = ctx.HalfWork;
                    work.Set(_data, Type, Rows, Cols, px, tokens, py);
                    ctx.Pool.Run(work, work.Chunks);
                }

                break;
        }
    }

    private void QuantizedMatMul(InferenceContext ctx, ReadOnlySpan<float> x, int tokens, Span<float> y, Span<BlockQ8_0> xq)
    {
        int blocks = Cols / BlockQ8_0.BlockSize;
        for (int t = 0; t < tokens; t++)
        {
            Q8_0.Quantize(x.Slice(t * Cols, Cols), xq.Slice(t * blocks, blocks));
        }

        // One token is a mat-vec; two or more go through the register-tiled mat-mat, which reads each weight row once
        // for all tokens (see the numerics' QuantMatMul).
        IKernels k = ctx.Kernels;
        ReadOnlySpan<BlockQ8_0> xs = xq[..(tokens * blocks)];
        Span<float> ys = y[..(tokens * Rows)];
        if (Type == GgmlType.Q8_0)
        {
            var w = new ReadOnlySpan<BlockQ8_0>(_data, checked(Rows * blocks));
            if (tokens == 1)
            {
                k.MatVecQ8_0(w, xs, Rows, ys);
            }
            else
            {
                k.MatMulQ8_0(w, xs, Rows, tokens, ys);
            }
        }
        else
        {
            var w = new ReadOnlySpan<BlockQ4_0>(_data, checked(Rows * blocks));
            if (tokens == 1)
            {
                k.MatVecQ4_0(w, xs, Rows, ys);
            }
            else
            {
                k.MatMulQ4_0(w, xs, Rows, tokens, ys);
            }
        }
    }
}
