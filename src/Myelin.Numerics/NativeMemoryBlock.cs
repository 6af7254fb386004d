using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <summary>
/// A block of native memory for data the kernels stream, such as model weights loaded from a file: 64-byte aligned
/// and, from 4 MiB up on Linux, 2 MiB aligned and advised as transparent huge pages (as <see cref="Tensor"/> storage
/// is), so a pass over it takes one TLB entry per 2 MiB instead of one per 4 KiB page.
/// </summary>
/// <remarks>The contents start undefined. Not thread-safe to dispose while in use; reading concurrently is fine.</remarks>
public sealed unsafe class NativeMemoryBlock : IDisposable
{
    private byte* _pointer;

    private NativeMemoryBlock(byte* pointer, long length)
    {
        _pointer = pointer;
        Length = length;
    }

    /// <summary>Finalises a block that was never disposed.</summary>
    ~NativeMemoryBlock() => Free();

    /// <summary>The first byte; valid for <see cref="Length"/> bytes until <see cref="Dispose"/>.</summary>
    /// <exception cref="ObjectDisposedException">The block was disposed.</exception>
    public byte* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == null, this);
            return _pointer;
        }
    }

    /// <summary>Bytes in the block.</summary>
    public long Length { get; }

    /// <summary>Allocates a block.</summary>
    /// <param name="bytes">Bytes to allocate, at least 1.</param>
    /// <returns>The block; dispose it to free the memory.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is not positive.</exception>
    /// <exception cref="OutOfMemoryException">The memory is not available.</exception>
    public static NativeMemoryBlock Allocate(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        return new NativeMemoryBlock((byte*)NativeBuffers.Allocate((nuint)bytes, 64), bytes);
    }

    /// <summary>Frees the memory.</summary>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (_pointer != null)
        {
            NativeBuffers.Free(_pointer);
            _pointer = null;
        }
    }
}
