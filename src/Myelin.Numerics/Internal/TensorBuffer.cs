namespace Myelin.Numerics.Internal;

/// <summary>
/// A 64-byte-aligned native float buffer with a reference count. Every <see cref="Tensor"/> view over the
/// buffer holds one reference; the last release hands the buffer back to its <see cref="TensorAllocator"/>.
/// </summary>
internal sealed unsafe class TensorBuffer
{
    /// <summary>Alignment of every buffer: one cache line, also one Vector512.</summary>
    public const int Alignment = 64;

    private int _references;

    public TensorBuffer(TensorAllocator owner, int capacity)
    {
        Owner = owner;
        Capacity = capacity;
        // Allocate at least one element so a zero-length tensor still has a valid, aligned pointer.
        Pointer = (float*)NativeBuffers.Allocate((nuint)Math.Max(capacity, 1) * sizeof(float), Alignment);
    }

    ~TensorBuffer()
    {
        // Safety net for a tensor that was never disposed: free the memory, never return it to a pool.
        Free();
    }

    public TensorAllocator Owner { get; }

    public int Capacity { get; }

    public float* Pointer { get; private set; }

    public Span<float> Span => new(Pointer, Capacity);

    /// <summary>Marks the buffer as handed out with one reference.</summary>
    public void Activate() => Volatile.Write(ref _references, 1);

    public void AddReference()
    {
        if (Interlocked.Increment(ref _references) <= 1)
        {
            ThrowHelper.ThrowObjectDisposed(nameof(Tensor));
        }
    }

    public void Release()
    {
        int left = Interlocked.Decrement(ref _references);
        if (left == 0)
        {
            Owner.Return(this);
        }
        else if (left < 0)
        {
            ThrowHelper.ThrowObjectDisposed(nameof(Tensor));
        }
    }

    public void Free()
    {
        if (Pointer != null)
        {
            NativeBuffers.Free(Pointer);
            Pointer = null;
        }

        GC.SuppressFinalize(this);
    }
}
