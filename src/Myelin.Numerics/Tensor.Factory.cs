namespace Myelin.Numerics;

/// <content>Factory methods backed by <see cref="TensorAllocator.Shared"/>.</content>
public sealed partial class Tensor
{
    /// <summary>A zero-filled contiguous tensor from the shared allocator.</summary>
    /// <param name="shape">The dimensions, outermost first.</param>
    /// <returns>A tensor the caller owns and must dispose.</returns>
    public static Tensor Zeros(params ReadOnlySpan<int> shape) => TensorAllocator.Shared.Allocate(shape, clear: true);

    /// <summary>A contiguous tensor with unspecified contents (a reused buffer is not cleared).</summary>
    /// <param name="shape">The dimensions, outermost first.</param>
    /// <returns>A tensor the caller owns and must dispose.</returns>
    public static Tensor Empty(params ReadOnlySpan<int> shape) => TensorAllocator.Shared.Allocate(shape, clear: false);

    /// <summary>A contiguous tensor with every element set to <paramref name="value"/>.</summary>
    /// <param name="value">The fill value.</param>
    /// <param name="shape">The dimensions, outermost first.</param>
    /// <returns>A tensor the caller owns and must dispose.</returns>
    public static Tensor Full(float value, params ReadOnlySpan<int> shape)
    {
        Tensor t = Empty(shape);
        t.AsSpan().Fill(value);
        return t;
    }

    /// <summary>A contiguous tensor holding a copy of <paramref name="data"/> (row-major).</summary>
    /// <param name="data">Exactly as many elements as the shape holds.</param>
    /// <param name="shape">The dimensions, outermost first.</param>
    /// <returns>A tensor the caller owns and must dispose.</returns>
    public static Tensor FromSpan(ReadOnlySpan<float> data, params ReadOnlySpan<int> shape)
    {
        if (ShapeLength(shape) != data.Length)
        {
            throw new ArgumentException("The data length does not match the shape.", nameof(data));
        }

        Tensor t = Empty(shape);
        data.CopyTo(t.AsSpan());
        return t;
    }
}
