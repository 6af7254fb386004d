using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <content>Elementwise kernels and reductions through the width-dispatched drivers in <see cref="VectorOps"/>.</content>
public sealed partial class SimdKernels
{
    /// <inheritdoc />
    public unsafe void CopyStreaming(ReadOnlySpan<float> source, Span<float> destination)
    {
        KernelChecks.Same(source.Length, destination.Length, nameof(destination));
        int width = _level switch
        {
            SimdLevel.Vector512 => Vector512<float>.Count,
            SimdLevel.Vector256 => Vector256<float>.Count,
            SimdLevel.Vector128 => Vector128<float>.Count,
            _ => 0,
        };
        if (width == 0 || source.Length < 4 * width || !Sse.IsSupported)
        {
            source.CopyTo(destination);
            return;
        }

        fixed (float* s = source)
        fixed (float* d = destination)
        {
            // Scalar stores until the destination is vector-aligned (non-temporal stores need alignment), then whole
            // vectors, then the tail; the fence orders the write-combined stores before anything after the copy.
            int n = source.Length;
            int i = 0;
            while (((nuint)(d + i) & (nuint)((width * sizeof(float)) - 1)) != 0)
            {
                d[i] = s[i];
                i++;
            }

            for (; i + width <= n; i += width)
            {
                switch (width)
                {
                    case 16:
                        Vector512.Load(s + i).StoreAlignedNonTemporal(d + i);
                        break;
                    case 8:
                        Vector256.Load(s + i).StoreAlignedNonTemporal(d + i);
                        break;
                    default:
                        Vector128.Load(s + i).StoreAlignedNonTemporal(d + i);
                        break;
                }
            }

            for (; i < n; i++)
            {
                d[i] = s[i];
            }

            Sse.StoreFence();
        }
    }

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
