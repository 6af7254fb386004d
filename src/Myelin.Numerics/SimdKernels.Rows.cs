using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <content>Row-wise kernels: softmax, log-softmax, RMSNorm, LayerNorm, and RoPE.</content>
public sealed partial class SimdKernels
{
    /// <inheritdoc />
    public void Softmax(ReadOnlySpan<float> x, int rows, int cols, Span<float> destination)
    {
        KernelChecks.Rows(x.Length, rows, cols, destination.Length);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * cols, cols);
            Span<float> dst = destination.Slice(r * cols, cols);
            if (cols == 0)
            {
                continue;
            }

            VectorOps.Map(_level, new ExpShiftOp(VectorOps.Max(_level, row)), row, dst);
            VectorOps.Map(_level, new ScaleOp(1f / VectorOps.Sum(_level, dst)), dst, dst);
        }
    }

    /// <inheritdoc />
    public void LogSoftmax(ReadOnlySpan<float> x, int rows, int cols, Span<float> destination)
    {
        KernelChecks.Rows(x.Length, rows, cols, destination.Length);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * cols, cols);
            Span<float> dst = destination.Slice(r * cols, cols);
            if (cols == 0)
            {
                continue;
            }

            // The exponentials go to dst first (as scratch), then dst is overwritten with x - max - log(sum).
            float max = VectorOps.Max(_level, row);
            VectorOps.Map(_level, new ExpShiftOp(max), row, dst);
            float shift = max + MathF.Log(VectorOps.Sum(_level, dst));
            VectorOps.Map(_level, new AddScalarOp(-shift), row, dst);
        }
    }

    /// <inheritdoc />
    public void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, int rows, int cols, float epsilon, Span<float> destination)
    {
        KernelChecks.Rows(x.Length, rows, cols, destination.Length);
        ThrowHelper.CheckLength(weight.Length, cols, nameof(weight));
        ReadOnlySpan<float> w = weight[..cols];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * cols, cols);
            Span<float> dst = destination.Slice(r * cols, cols);
            float inv = 1f / MathF.Sqrt((VectorOps.Dot(_level, row, row) / cols) + epsilon);
            VectorOps.Zip(_level, default(MultiplyOp), row, w, dst);
            VectorOps.Map(_level, new ScaleOp(inv), dst, dst);
        }
    }

    /// <inheritdoc />
    public void LayerNorm(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int rows, int cols, float epsilon,
        Span<float> destination)
    {
        KernelChecks.Rows(x.Length, rows, cols, destination.Length);
        ThrowHelper.CheckLength(weight.Length, cols, nameof(weight));
        if (!bias.IsEmpty)
        {
            ThrowHelper.CheckLength(bias.Length, cols, nameof(bias));
        }

        ReadOnlySpan<float> w = weight[..cols];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * cols, cols);
            Span<float> dst = destination.Slice(r * cols, cols);
            float mean = VectorOps.Sum(_level, row) / cols;
            // Two-pass variance: centre into dst, then sum squares of the centred values.
            VectorOps.Map(_level, new AddScalarOp(-mean), row, dst);
            float inv = 1f / MathF.Sqrt((VectorOps.Dot(_level, dst, dst) / cols) + epsilon);
            VectorOps.Map(_level, new ScaleOp(inv), dst, dst);
            VectorOps.Zip(_level, default(MultiplyOp), dst, w, dst);
            if (!bias.IsEmpty)
            {
                VectorOps.Zip(_level, default(AddOp), dst, bias[..cols], dst);
            }
        }
    }

    /// <inheritdoc />
    public void Rope(Span<float> x, int tokens, int heads, int headDim, int positionOffset, float theta, RopeLayout layout)
    {
        RopeTables.Check(x.Length, tokens, heads, headDim);
        int half = headDim / 2;
        // cos/sin depend only on (position, pair): compute them once per token and apply to every head.
        Span<float> table = half <= 512 ? stackalloc float[2 * half] : new float[2 * half];
        Span<float> cos = table[..half];
        Span<float> sin = table[half..];
        Span<float> scratch = half <= 512 ? stackalloc float[2 * half] : new float[2 * half];
        Span<float> t0 = scratch[..half];
        Span<float> t1 = scratch[half..];
        for (int t = 0; t < tokens; t++)
        {
            for (int i = 0; i < half; i++)
            {
                (cos[i], sin[i]) = RopeTables.Angle(positionOffset + t, i, headDim, theta);
            }

            for (int h = 0; h < heads; h++)
            {
                Span<float> head = x.Slice(((t * heads) + h) * headDim, headDim);
                if (layout == RopeLayout.NeoX)
                {
                    // a' = a cos - b sin, b' = a sin + b cos over the two contiguous halves.
                    Span<float> a = head[..half];
                    Span<float> b = head[half..];
                    VectorOps.Zip(_level, default(MultiplyOp), a, sin, t0);
                    VectorOps.Zip(_level, default(MultiplyOp), b, sin, t1);
                    VectorOps.Zip(_level, default(MultiplyOp), a, cos, a);
                    VectorOps.Zip(_level, new AxpyOp(-1f), t1, a, a);
                    VectorOps.Zip(_level, default(MultiplyOp), b, cos, b);
                    VectorOps.Zip(_level, default(AddOp), b, t0, b);
                }
                else
                {
                    for (int i = 0; i < half; i++)
                    {
                        float a = head[2 * i];
                        float b = head[(2 * i) + 1];
                        head[2 * i] = (a * cos[i]) - (b * sin[i]);
                        head[(2 * i) + 1] = (a * sin[i]) + (b * cos[i]);
                    }
                }
            }
        }
    }
}
