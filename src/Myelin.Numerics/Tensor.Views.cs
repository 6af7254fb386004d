using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <content>Views: narrowing, selecting, transposing, permuting and reshaping without copies.</content>
public sealed partial class Tensor
{
    /// <summary>A view of <paramref name="length"/> entries of dimension <paramref name="dim"/> from <paramref name="start"/>.</summary>
    /// <param name="dim">The dimension to narrow; negative counts from the end.</param>
    /// <param name="start">The first index kept.</param>
    /// <param name="length">How many indices are kept.</param>
    /// <returns>A view sharing this tensor's buffer; dispose it.</returns>
    public Tensor Narrow(int dim, int start, int length)
    {
        int d = NormalizeDim(dim);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + length, _shape[d], nameof(length));
        int[] shape = (int[])_shape.Clone();
        shape[d] = length;
        return View(_offset + (length == 0 ? 0 : start * _strides[d]), shape, (int[])_strides.Clone());
    }

    /// <summary>A view of rows <paramref name="start"/>..<paramref name="start"/>+<paramref name="length"/> of dimension 0.</summary>
    /// <param name="start">The first index kept.</param>
    /// <param name="length">How many indices are kept.</param>
    /// <returns>A view sharing this tensor's buffer; dispose it.</returns>
    public Tensor Slice(int start, int length) => Narrow(0, start, length);

    /// <summary>A view of index <paramref name="index"/> of dimension <paramref name="dim"/>, with that dimension removed.</summary>
    /// <param name="dim">The dimension to select from; negative counts from the end.</param>
    /// <param name="index">The index kept.</param>
    /// <returns>A view of rank <see cref="Rank"/> - 1 sharing this tensor's buffer; dispose it.</returns>
    public Tensor Select(int dim, int index)
    {
        int d = NormalizeDim(dim);
        CheckIndex(d, index);
        int[] shape = [.. _shape[..d], .. _shape[(d + 1)..]];
        int[] strides = [.. _strides[..d], .. _strides[(d + 1)..]];
        return View(_offset + (index * _strides[d]), shape, strides);
    }

    /// <summary>A view with dimensions <paramref name="dim0"/> and <paramref name="dim1"/> swapped.</summary>
    /// <param name="dim0">The first dimension.</param>
    /// <param name="dim1">The second dimension.</param>
    /// <returns>A (usually non-contiguous) view sharing this tensor's buffer; dispose it.</returns>
    public Tensor Transpose(int dim0 = -2, int dim1 = -1)
    {
        int a = NormalizeDim(dim0);
        int b = NormalizeDim(dim1);
        int[] shape = (int[])_shape.Clone();
        int[] strides = (int[])_strides.Clone();
        (shape[a], shape[b]) = (shape[b], shape[a]);
        (strides[a], strides[b]) = (strides[b], strides[a]);
        return View(_offset, shape, strides);
    }

    /// <summary>A view whose dimension i is this tensor's dimension <paramref name="order"/>[i].</summary>
    /// <param name="order">A permutation of 0..Rank-1.</param>
    /// <returns>A view sharing this tensor's buffer; dispose it.</returns>
    public Tensor Permute(params ReadOnlySpan<int> order)
    {
        if (order.Length != Rank)
        {
            ThrowHelper.ThrowArgument("The permutation must name every dimension once.", nameof(order));
        }

        var shape = new int[Rank];
        var strides = new int[Rank];
        Span<bool> seen = stackalloc bool[Rank];
        for (int i = 0; i < order.Length; i++)
        {
            int d = NormalizeDim(order[i]);
            if (seen[d])
            {
                ThrowHelper.ThrowArgument("The permutation must name every dimension once.", nameof(order));
            }

            seen[d] = true;
            shape[i] = _shape[d];
            strides[i] = _strides[d];
        }

        return View(_offset, shape, strides);
    }

    /// <summary>A view of a contiguous tensor with a new shape of the same length; one dimension may be -1.</summary>
    /// <param name="shape">The new dimensions.</param>
    /// <returns>A view sharing this tensor's buffer; dispose it.</returns>
    /// <exception cref="InvalidOperationException">The tensor is not contiguous.</exception>
    public Tensor Reshape(params ReadOnlySpan<int> shape)
    {
        if (!IsContiguous)
        {
            ThrowHelper.ThrowNotContiguous();
        }

        int[] resolved = shape.ToArray();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < resolved.Length; i++)
        {
            if (resolved[i] == -1 && infer < 0)
            {
                infer = i;
            }
            else
            {
                known *= resolved[i] < 0 ? -1 : resolved[i];
            }
        }

        if (infer >= 0 && known > 0 && Length % known == 0)
        {
            resolved[infer] = (int)(Length / known);
        }

        if (ShapeLength(resolved) != Length)
        {
            ThrowHelper.ThrowArgument("The new shape must have the same number of elements.", nameof(shape));
        }

        return View(_offset, resolved, ContiguousStrides(resolved));
    }

    /// <summary>
    /// This tensor as a contiguous row-major tensor: a new view of the same buffer when already contiguous,
    /// otherwise a copy in a newly rented buffer.
    /// </summary>
    /// <returns>A tensor the caller must dispose.</returns>
    public Tensor Contiguous()
    {
        if (IsContiguous)
        {
            return View(_offset, (int[])_shape.Clone(), ContiguousStrides(_shape));
        }

        return Clone();
    }

    /// <summary>A contiguous copy in a new buffer from the same allocator.</summary>
    /// <returns>A tensor the caller must dispose.</returns>
    public Tensor Clone()
    {
        Tensor copy = _buffer.Owner.Allocate(_shape, clear: false);
        CopyTo(copy.AsSpan());
        return copy;
    }

    private Tensor View(int offset, int[] shape, int[] strides)
    {
        ThrowIfDisposed();
        _buffer.AddReference();
        return new Tensor(_buffer, offset, shape, strides);
    }
}
