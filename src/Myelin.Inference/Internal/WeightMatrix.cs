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
    // Below this many tokens one mat-vec per token beats the mat-mat: its 4 x 4 tile computes four tokens whatever the
    // count, and with 2-3 tokens that waste outweighs reading the weights once (bench qgemm, weights from DRAM, two
    // threads: mat-mat 0.50-0.73x of per-token mat-vecs at 2 tokens, 0.75-1.02x at 3, 0.97-1.28x at 4).
    private const int MatMulMinTokens = 4;

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

    /// <summary>
    /// <c>y_i = x · W_iᵀ</c> for two or three matrices that read the same input (a layer's query, key and value
    /// projections, or its gate and up projections). For one token with matrices of one quantised type the input is
    /// quantised once and its products with all the matrices run as one fused mat-vec (one fork-join instead of one
    /// per matrix); otherwise each matrix is multiplied on its own.
    /// </summary>
    /// <param name="ctx">Kernels and worker threads.</param>
    /// <param name="x">[tokens, cols]</param>
    /// <param name="tokens">Rows of x.</param>
    /// <param name="xq">Scratch for the Q8_0 activations, at least <c>[tokens * cols / 32]</c> blocks.</param>
    /// <param name="a">The first matrix.</param>
    /// <param name="ya">[tokens, a.Rows]</param>
    /// <param name="b">The second matrix.</param>
    /// <param name="yb">[tokens, b.Rows]</param>
    /// <param name="c">The third matrix, if any.</param>
    /// <param name="yc">[tokens, c.Rows], when <paramref name="c"/> is given.</param>
    public static void MatMulShared(
        InferenceContext ctx, ReadOnlySpan<float> x, int tokens, Span<BlockQ8_0> xq,
        WeightMatrix a, Span<float> ya, WeightMatrix b, Span<float> yb, WeightMatrix? c = null, Span<float> yc = default)
    {
        if (tokens != 1 || !a.IsQuantized || b.Type != a.Type || (c is not null && c.Type != a.Type))
        {
            a.MatMul(ctx, x, tokens, ya, xq);
            b.MatMul(ctx, x, tokens, yb, xq);
            c?.MatMul(ctx, x, tokens, yc, xq);
            return;
        }

        Span<BlockQ8_0> xt = xq[..(a.Cols / BlockQ8_0.BlockSize)];
        Q8_0.Quantize(x[..a.Cols], xt);
        IKernels k = ctx.Kernels;
        if (a.Type == GgmlType.Q8_0)
        {
            k.MatVecsQ8_0(xt, a.Q8Product(ya), b.Q8Product(yb), c is null ? default : c.Q8Product(yc));
        }
        else
        {
            k.MatVecsQ4_0(xt, a.Q4Product(ya), b.Q4Product(yb), c is null ? default : c.Q4Product(yc));
        }
    }

    private QuantizedProduct<BlockQ8_0> Q8Product(Span<float> y) =>
        new(new ReadOnlySpan<BlockQ8_0>(_data, checked(Rows * (Cols / BlockQ8_0.BlockSize))), Rows, y[..Rows]);

    private QuantizedProduct<BlockQ4_0> Q4Product(Span<float> y) =>
        new(new ReadOnlySpan<BlockQ4_0>(_data, checked(Rows * (Cols / BlockQ4_0.BlockSize))), Rows, y[..Rows]);

    private void QuantizedMatMul(InferenceContext ctx, ReadOnlySpan<float> x, int tokens, Span<float> y, Span<BlockQ8_0> xq)
    {
        int blocks = Cols / BlockQ8_0.BlockSize;
        for (int t = 0; t < tokens; t++)
        {
            Q8_0.Quantize(x.Slice(t * Cols, Cols), xq.Slice(t * blocks, blocks));
        }

        // Below MatMulMinTokens each token is a mat-vec; from there on the register-tiled mat-mat reads each weight row
        // once for all tokens (see the numerics' QuantMatMul).
        IKernels k = ctx.Kernels;
        ReadOnlySpan<BlockQ8_0> xs = xq[..(tokens * blocks)];
        Span<float> ys = y[..(tokens * Rows)];
        if (Type == GgmlType.Q8_0)
        {
            var w = new ReadOnlySpan<BlockQ8_0>(_data, checked(Rows * blocks));
            if (tokens < MatMulMinTokens)
            {
                for (int t = 0; t < tokens; t++)
                {
                    k.MatVecQ8_0(w, xs.Slice(t * blocks, blocks), Rows, ys.Slice(t * Rows, Rows));
                }
            }
            else
            {
                k.MatMulQ8_0(w, xs, Rows, tokens, ys);
            }
        }
        else
        {
            var w = new ReadOnlySpan<BlockQ4_0>(_data, checked(Rows * blocks));
            if (tokens < MatMulMinTokens)
            {
                for (int t = 0; t < tokens; t++)
                {
                    k.MatVecQ4_0(w, xs.Slice(t * blocks, blocks), Rows, ys.Slice(t * Rows, Rows));
                }
            }
            else
            {
                k.MatMulQ4_0(w, xs, Rows, tokens, ys);
            }
        }
    }
}
