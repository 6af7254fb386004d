using System.Numerics;
using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <summary>
/// A pool of 64-byte-aligned native float buffers, bucketed by power-of-two capacity, from which
/// <see cref="Tensor"/> storage is rented.
/// </summary>
/// <remarks>
/// <para>Thread-safe. Buffers come back to the pool deterministically when the last <see cref="Tensor"/>
/// (owner or view) over them is disposed, never through the garbage collector; a buffer whose tensors were
/// never disposed is freed by a finaliser instead of being pooled.</para>
/// <para>At most <see cref="MaxPooledBytes"/> are kept idle; a returned buffer beyond that is freed.
/// Disposing the allocator frees every idle buffer; buffers still in use are freed when released.</para>
/// </remarks>
public sealed class TensorAllocator : IDisposable
{
    private const int BucketCount = 31;

    private readonly Stack<TensorBuffer>[] _buckets = new Stack<TensorBuffer>[BucketCount];
    private readonly Lock _gate = new();
    private long _pooledBytes;
    private bool _disposed;

    /// <summary>Creates an allocator that keeps at most <paramref name="maxPooledBytes"/> of idle buffers.</summary>
    /// <param name="maxPooledBytes">The idle-memory budget; 0 disables pooling.</param>
    public TensorAllocator(long maxPooledBytes = 256L << 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxPooledBytes);
        MaxPooledBytes = maxPooledBytes;
        for (int i = 0; i < BucketCount; i++)
        {
            _buckets[i] = new Stack<TensorBuffer>();
        }
    }

    /// <summary>The process-wide allocator used by the <see cref="Tensor"/> factory methods.</summary>
    public static TensorAllocator Shared { get; } = new();

    /// <summary>The most idle memory, in bytes, this allocator keeps for reuse.</summary>
    public long MaxPooledBytes { get; }

    /// <summary>The bytes currently held idle in the pool.</summary>
    public long PooledBytes => Volatile.Read(ref _pooledBytes);

    /// <summary>Allocates a tensor of the given shape from this pool.</summary>
    /// <param name="shape">The dimensions, outermost first; each must be non-negative.</param>
    /// <param name="clear">True to zero the elements; false leaves whatever a reused buffer held.</param>
    /// <returns>A contiguous tensor the caller owns and must dispose.</returns>
    public Tensor Allocate(ReadOnlySpan<int> shape, bool clear = true)
    {
        long length = Tensor.ShapeLength(shape);
        if (length > Array.MaxLength)
        {
            ThrowHelper.ThrowArgument("A tensor holds at most Array.MaxLength elements.", nameof(shape));
        }

        TensorBuffer buffer = Rent((int)length);
        if (clear)
        {
            buffer.Span[..(int)length].Clear();
        }

        return new Tensor(buffer, 0, shape.ToArray(), Tensor.ContiguousStrides(shape));
    }

    /// <summary>Frees every idle buffer held by the pool.</summary>
    public void Trim()
    {
        lock (_gate)
        {
            foreach (Stack<TensorBuffer> bucket in _buckets)
            {
                while (bucket.TryPop(out TensorBuffer? buffer))
                {
                    buffer.Free();
                }
            }

            _pooledBytes = 0;
        }
    }

    /// <summary>Frees the idle buffers and stops pooling; live tensors stay valid until disposed.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        Trim();
    }

    internal TensorBuffer Rent(int length)
    {
        int bucket = BucketOf(length);
        TensorBuffer? buffer = null;
        if (bucket < BucketCount)
        {
            lock (_gate)
            {
                if (_buckets[bucket].TryPop(out buffer))
                {
                    _pooledBytes -= (long)buffer.Capacity * sizeof(float);
                }
            }
        }

        buffer ??= new TensorBuffer(this, bucket < BucketCount ? 1 << bucket : length);
        buffer.Activate();
        return buffer;
    }

    internal void Return(TensorBuffer buffer)
    {
        long bytes = (long)buffer.Capacity * sizeof(float);
        int bucket = BucketOf(buffer.Capacity);
        lock (_gate)
        {
            if (!_disposed && bucket < BucketCount && _pooledBytes + bytes <= MaxPooledBytes)
            {
                _buckets[bucket].Push(buffer);
                _pooledBytes += bytes;
                return;
            }
        }

        buffer.Free();
    }

    // Buffers of 2^b elements live in bucket b; anything above 2^30 is never pooled.
    private static int BucketOf(int length) => length <= 1 ? 0 : 32 - BitOperations.LeadingZeroCount((uint)(length - 1));
}
