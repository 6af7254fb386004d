namespace Myelin.Numerics.Internal;

/// <summary>
/// Reusable 64-byte-aligned scratch for GEMM packing and quantised activations, so kernels do not allocate
/// per call. A small lock-protected stack of fixed-size native blocks; blocks live for the process.
/// </summary>
internal static unsafe class PackBuffers
{
    /// <summary>Floats per block: one packed A block (MC x KC) plus one packed B block (KC x NC) plus slack.</summary>
    public const int BlockFloats = (Gemm.MC * Gemm.KC) + (Gemm.KC * Gemm.NC) + 4096;

    private static readonly Lock s_gate = new();
    private static readonly IntPtr[] s_free = new IntPtr[64];
    private static int s_freeCount;

    public static float* Rent()
    {
        lock (s_gate)
        {
            if (s_freeCount > 0)
            {
                return (float*)s_free[--s_freeCount];
            }
        }

        return (float*)NativeBuffers.Allocate((nuint)BlockFloats * sizeof(float), 64);
    }

    public static void Return(float* block)
    {
        lock (s_gate)
        {
            if (s_freeCount < s_free.Length)
            {
                s_free[s_freeCount++] = (IntPtr)block;
                return;
            }
        }

        NativeBuffers.Free(block);
    }
}
