using System.Numerics.Tensors;
using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <content>Elementwise kernels and reductions through the width-dispatched drivers in <see cref="VectorOps"/>.</content>
public sealed partial class SimdKernels
{
    /// <inheritdoc />
    public void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        CheckBinary(x, y, destination);
        VectorOps.Zip(_level, default(AddOp), x, y, destination);
    }

    /// <inheritdoc />
    public void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        CheckBinary(x, y, destination);
        VectorOps.Zip(_level, default(MultiplyOp), x, y, destination);
    }

    /// <inheritdoc />
    public void Scale(ReadOnlySpan<float> x, float alpha, Span<float> destination)
    {
        KernelChecks.Same(x.Length, destination.Length, nameof(destination));
        VectorOps.Map(_level, new ScaleOp(alpha), x, destination);
    }

    /// <inheritdoc />
    public void Axpy(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
        KernelChecks.Same(x.Length, y.Length, nameof(y));
        VectorOps.Zip(_level, new AxpyOp(alpha), x, y, y);
    }

    /// <inheritdoc />
    public void Silu(ReadOnlySpan<float> x, Span<float> destination)
    {
        KernelChecks.Same(x.Length, destination.Length, nameof(destination));
        VectorOps.Map(_level, default(SiluOp), x, destination);
    }

    /// <inheritdoc />
    public void Gelu(ReadOnlySpan<float> x, Span<float> destination, GeluApproximation approximation = GeluApproximation.Erf)
    {
        KernelChecks.Same(x.Length, destination.Length, nameof(destination));
        if (approximation == GeluApproximation.Tanh)
        {
            VectorOps.Map(_level, default(GeluTanhOp), x, destination);
        }
        else
        {
            VectorOps.Map(_level, default(GeluErfOp), x, destination);
        }
    }

    /// <inheritdoc />
    public void SwiGlu(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> destination)
    {
        CheckBinary(gate, up, destination);
        VectorOps.Zip(_level, default(SwiGluOp), gate, up, destination);
    }

    /// <inheritdoc />
    public float Sum(ReadOnlySpan<float> x) => VectorOps.Sum(_level, x);

    /// <inheritdoc />
    public float Max(ReadOnlySpan<float> x)
    {
        ArgumentOutOfRangeException.ThrowIfZero(x.Length, nameof(x));
        return VectorOps.Max(_level, x);
    }

    /// <inheritdoc />
    public int ArgMax(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty)
        {
            return -1;
        }

        // TensorPrimitives dispatches on its own; the scalar level keeps the reference loop.
        return _level == SimdLevel.Scalar ? ReferenceKernels.Instance.ArgMax(x) : TensorPrimitives.IndexOfMax(x);
    }

    /// <inheritdoc />
    public void RowMean(ReadOnlySpan<float> x, int rows, int cols, Span<float> destination)
    {
        ThrowHelper.CheckLength(x.Length, (long)rows * cols, nameof(x));
        ThrowHelper.CheckLength(destination.Length, rows, nameof(destination));
        for (int r = 0; r < rows; r++)
        {
            destination[r] = cols == 0 ? float.NaN : VectorOps.Sum(_level, x.Slice(r * cols, cols)) / cols;
        }
    }

    private static void CheckBinary(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        KernelChecks.Same(x.Length, y.Length, nameof(y));
        KernelChecks.Same(x.Length, destination.Length, nameof(destination));
    }
}
