using System.Runtime.CompilerServices;
using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <summary>
/// A float32 n-dimensional tensor: a shape and element strides over a pooled, 64-byte-aligned native buffer.
/// </summary>
/// <remarks>
/// <para><b>Ownership.</b> Every <see cref="Tensor"/> instance, including every view returned by
/// <see cref="Narrow"/>, <see cref="Select"/>, <see cref="Transpose"/>, <see cref="Permute"/>,
/// <see cref="Reshape"/> and <see cref="Contiguous"/>, holds one reference on the shared buffer and must be
/// disposed (use <c>using</c>). The buffer returns to its <see cref="TensorAllocator"/> when the last one is
/// disposed. Views never copy; writes through a view are visible through every other view.</para>
/// <para><b>Thread-safety.</b> Creating and disposing views is thread-safe. Reading and writing elements
/// is not synchronised: callers coordinate concurrent writers themselves.</para>
/// <para><b>Layout.</b> Strides are in elements (not bytes). A freshly allocated tensor is row-major
/// contiguous (last dimension has stride 1). Kernels in <see cref="IKernels"/> take spans; get them with
/// <see cref="AsSpan"/> (contiguous tensors) or <see cref="StorageSpan"/> plus <see cref="Strides"/>.</para>
/// </remarks>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorBuffer _buffer;
    private readonly int _offset;
    private readonly int[] _shape;
    private readonly int[] _strides;
    private int _disposed;

    internal Tensor(TensorBuffer buffer, int offset, int[] shape, int[] strides)
    {
        _buffer = buffer;
        _offset = offset;
        _shape = shape;
        _strides = strides;
        Length = (int)ShapeLength(shape);
    }

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The element stride of each dimension.</summary>
    public ReadOnlySpan<int> Strides => _strides;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements (the product of <see cref="Shape"/>; 1 for a rank-0 tensor).</summary>
    public int Length { get; }

    /// <summary>The position of element [0, 0, ...] inside <see cref="StorageSpan"/>'s buffer.</summary>
    public int Offset => _offset;

    /// <summary>True when the elements are laid out row-major without gaps, so <see cref="AsSpan"/> works.</summary>
    public bool IsContiguous
    {
        get
        {
            int expected = 1;
            for (int d = _shape.Length - 1; d >= 0; d--)
            {
                if (_shape[d] != 1 && _strides[d] != expected)
                {
                    return false;
                }

                expected *= _shape[d];
            }

            return true;
        }
    }

    /// <summary>The size of dimension <paramref name="dim"/>; negative values count from the end.</summary>
    /// <param name="dim">The dimension index.</param>
    /// <returns>The size of that dimension.</returns>
    public int Size(int dim) => _shape[NormalizeDim(dim)];

    /// <summary>The elements of a contiguous tensor, in row-major order.</summary>
    /// <returns>A span over the tensor's own memory, valid until the tensor is disposed.</returns>
    /// <exception cref="InvalidOperationException">The tensor is a non-contiguous view.</exception>
    public Span<float> AsSpan()
    {
        ThrowIfDisposed();
        if (!IsContiguous)
        {
            ThrowHelper.ThrowNotContiguous();
        }

        return _buffer.Span.Slice(_offset, Length);
    }

    /// <summary>
    /// The underlying buffer from <see cref="Offset"/> to its end, for strided kernels (for example a GEMM
    /// operand with a leading dimension taken from <see cref="Strides"/>).
    /// </summary>
    /// <returns>A span whose element 0 is tensor element [0, 0, ...].</returns>
    public Span<float> StorageSpan()
    {
        ThrowIfDisposed();
        return _buffer.Span[_offset..];
    }

    /// <summary>Gets or sets the element of a rank-1 tensor.</summary>
    /// <param name="i">The index.</param>
    public float this[int i]
    {
        get => Element(Index1(i));
        set => Element(Index1(i)) = value;
    }

    /// <summary>Gets or sets the element of a rank-2 tensor.</summary>
    /// <param name="i">The row.</param>
    /// <param name="j">The column.</param>
    public float this[int i, int j]
    {
        get => Element(Index2(i, j));
        set => Element(Index2(i, j)) = value;
    }

    /// <summary>Gets or sets the element of a rank-3 tensor.</summary>
    /// <param name="i">Index in dimension 0.</param>
    /// <param name="j">Index in dimension 1.</param>
    /// <param name="k">Index in dimension 2.</param>
    public float this[int i, int j, int k]
    {
        get => Element(Index3(i, j, k));
        set => Element(Index3(i, j, k)) = value;
    }

    /// <summary>Reads the element at a full index of any rank.</summary>
    /// <param name="index">One index per dimension.</param>
    /// <returns>The element.</returns>
    public float GetValue(params ReadOnlySpan<int> index) => Element(IndexN(index));

    /// <summary>Writes the element at a full index of any rank.</summary>
    /// <param name="value">The value to store.</param>
    /// <param name="index">One index per dimension.</param>
    public void SetValue(float value, params ReadOnlySpan<int> index) => Element(IndexN(index)) = value;

    /// <summary>Copies the elements, in row-major order, to a new array (any layout).</summary>
    /// <returns>The elements.</returns>
    public float[] ToArray()
    {
        var result = new float[Length];
        CopyTo(result);
        return result;
    }

    /// <summary>Copies the elements in row-major order into <paramref name="destination"/> (any layout).</summary>
    /// <param name="destination">At least <see cref="Length"/> elements.</param>
    public void CopyTo(Span<float> destination)
    {
        ThrowIfDisposed();
        ThrowHelper.CheckLength(destination.Length, Length, nameof(destination));
        if (IsContiguous)
        {
            _buffer.Span.Slice(_offset, Length).CopyTo(destination);
            return;
        }

        StridedCopy.Gather(_buffer.Span, _offset, _shape, _strides, destination);
    }

    /// <summary>Copies elements from <paramref name="source"/> (row-major) into this tensor (any layout).</summary>
    /// <param name="source">At least <see cref="Length"/> elements.</param>
    public void CopyFrom(ReadOnlySpan<float> source)
    {
        ThrowIfDisposed();
        ThrowHelper.CheckLength(source.Length, Length, nameof(source));
        if (IsContiguous)
        {
            source[..Length].CopyTo(_buffer.Span.Slice(_offset, Length));
            return;
        }

        StridedCopy.Scatter(source, _buffer.Span, _offset, _shape, _strides);
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    /// <param name="value">The value.</param>
    public void Fill(float value)
    {
        if (IsContiguous)
        {
            AsSpan().Fill(value);
            return;
        }

        StridedCopy.Fill(_buffer.Span, _offset, _shape, _strides, value);
    }

    /// <summary>Releases this tensor's reference on the shared buffer. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _buffer.Release();
        }
    }

    /// <summary>The product of a shape's dimensions.</summary>
    internal static long ShapeLength(ReadOnlySpan<int> shape)
    {
        long length = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                ThrowHelper.ThrowArgument("Dimensions must be non-negative.", nameof(shape));
            }

            length *= d;
        }

        return length;
    }

    /// <summary>Row-major strides for a shape.</summary>
    internal static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int stride = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= Math.Max(shape[d], 1);
        }

        return strides;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref float Element(int index)
    {
        ThrowIfDisposed();
        return ref _buffer.Span[_offset + index];
    }

    private int Index1(int i)
    {
        CheckRank(1);
        CheckIndex(0, i);
        return i * _strides[0];
    }

    private int Index2(int i, int j)
    {
        CheckRank(2);
        CheckIndex(0, i);
        CheckIndex(1, j);
        return (i * _strides[0]) + (j * _strides[1]);
    }

    private int Index3(int i, int j, int k)
    {
        CheckRank(3);
        CheckIndex(0, i);
        CheckIndex(1, j);
        CheckIndex(2, k);
        return (i * _strides[0]) + (j * _strides[1]) + (k * _strides[2]);
    }

    private int IndexN(ReadOnlySpan<int> index)
    {
        CheckRank(index.Length);
        int flat = 0;
        for (int d = 0; d < index.Length; d++)
        {
            CheckIndex(d, index[d]);
            flat += index[d] * _strides[d];
        }

        return flat;
    }

    private void CheckRank(int rank)
    {
        if (rank != _shape.Length)
        {
            ThrowHelper.ThrowArgument($"Expected {_shape.Length} indices, got {rank}.", "index");
        }
    }

    private void CheckIndex(int dim, int i)
    {
        if ((uint)i >= (uint)_shape[dim])
        {
            throw new ArgumentOutOfRangeException("index", i, $"Index out of range for dimension {dim} of size {_shape[dim]}.");
        }
    }

    private int NormalizeDim(int dim)
    {
        int d = dim < 0 ? dim + _shape.Length : dim;
        ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(dim));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(d, _shape.Length, nameof(dim));
        return d;
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            ThrowHelper.ThrowObjectDisposed(nameof(Tensor));
        }
    }
}
