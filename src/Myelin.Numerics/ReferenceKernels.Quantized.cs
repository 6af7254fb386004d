using Myelin.Numerics.Internal;
using Myelin.Numerics.Quantization;

namespace Myelin.Numerics;

/// <content>Reference quantised dot products, mat-vecs and mat-mats (one mat-vec per token), as ggml's scalar vec_dot code computes them.</content>
public sealed partial class ReferenceKernels
{
    /// <inheritdoc />
    public float DotQ8_0(ReadOnlySpan<BlockQ8_0> x, ReadOnlySpan<BlockQ8_0> y)
    {
        KernelChecks.Same(x.Length, y.Length, nameof(y));
        float sum = 0f;
        for (int b = 0; b < x.Length; b++)
        {
            int sumi = 0;
            for (int j = 0; j < BlockQ8_0.BlockSize; j++)
            {
                sumi += x[b].Quants[j] * y[b].Quants[j];
            }

            sum += sumi * ((float)x[b].Scale * (float)y[b].Scale);
        }

        return sum;
    }

    /// <inheritdoc />
    public float DotQ4_0(ReadOnlySpan<BlockQ4_0> w, ReadOnlySpan<BlockQ8_0> x)
    {
        KernelChecks.Same(w.Length, x.Length, nameof(x));
        float sum = 0f;
        for (int b = 0; b < w.Length; b++)
        {
            int sumi = 0;
            for (int j = 0; j < BlockQ4_0.BlockSize / 2; j++)
            {
                byte packed = w[b].Quants[j];
                sumi += ((packed & 0x0F) - 8) * x[b].Quants[j];
                sumi += ((packed >> 4) - 8) * x[b].Quants[j + 16];
            }

            sum += sumi * ((float)w[b].Scale * (float)x[b].Scale);
        }

        return sum;
    }

    /// <inheritdoc />
    public void MatVecQ8_0(ReadOnlySpan<BlockQ8_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, Span<float> y)
    {
        KernelChecks.MatVec(w.Length, x.Length, rows, y.Length);
        for (int r = 0; r < rows; r++)
        {
            y[r] = DotQ8_0(w.Slice(r * x.Length, x.Length), x);
        }
    }

    /// <inheritdoc />
    public void MatVecQ4_0(ReadOnlySpan<BlockQ4_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, Span<float> y)
    {
        KernelChecks.MatVec(w.Length, x.Length, rows, y.Length);
        for (int r = 0; r < rows; r++)
        {
            y[r] = DotQ4_0(w.Slice(r * x.Length, x.Length), x);
        }
    }

    /// <inheritdoc />
    public void MatMulQ8_0(ReadOnlySpan<BlockQ8_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, int tokens, Span<float> y)
    {
        int blocks = KernelChecks.MatMul(w.Length, x.Length, rows, tokens, y.Length);
        for (int t = 0; t < tokens; t++)
        {
            MatVecQ8_0(w[..(rows * blocks)], x.Slice(t * blocks, blocks), rows, y.Slice(t * rows, rows));
        }
    }

    /// <inheritdoc />
    public void MatMulQ4_0(ReadOnlySpan<BlockQ4_0> w, ReadOnlySpan<BlockQ8_0> x, int rows, int tokens, Span<float> y)
    {
        int blocks = KernelChecks.MatMul(w.Length, x.Length, rows, tokens, y.Length);
        for (int t = 0; t < tokens; t++)
        {
            MatVecQ4_0(w[..(rows * blocks)], x.Slice(t * blocks, blocks), rows, y.Slice(t * rows, rows));
        }
    }

    /// <inheritdoc />
    public void MatVecsQ8_0(ReadOnlySpan<BlockQ8_0> x, QuantizedProduct<BlockQ8_0> first, QuantizedProduct<BlockQ8_0> second, QuantizedProduct<BlockQ8_0> third = default)
    {
        MatVecQ8_0(first.Weights, x, first.Rows, first.Output);
        MatVecQ8_0(second.Weights, x, second.Rows, second.Output);
        MatVecQ8_0(third.Weights, x, third.Rows, third.Output);
    }

    /// <inheritdoc />
    public void MatVecsQ4_0(ReadOnlySpan<BlockQ8_0> x, QuantizedProduct<BlockQ4_0> first, QuantizedProduct<BlockQ4_0> second, QuantizedProduct<BlockQ4_0> third = default)
    {
        MatVecQ4_0(first.Weights, x, first.Rows, first.Output);
        MatVecQ4_0(second.Weights, x, second.Rows, second.Output);
        MatVecQ4_0(third.Weights, x, third.Rows, third.Output);
    }
}
