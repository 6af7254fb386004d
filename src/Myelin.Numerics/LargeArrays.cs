using Myelin.Numerics.Internal;

namespace Myelin.Numerics;

/// <summary>Managed arrays for large data that kernels stream, such as a KV cache.</summary>
public static class LargeArrays
{
    /// <summary>
    /// A float array on the pinned heap, not zeroed, whose whole 2 MiB pages are advised as transparent huge pages on
    /// Linux before anything is written (as <see cref="NativeMemoryBlock"/> and tensor storage are), so a pass over it
    /// takes one TLB entry per 2 MiB instead of one per 4 KiB page. Unlike native memory it stays a managed array: a
    /// span over it keeps it alive, and the collector frees it.
    /// </summary>
    /// <param name="length">Floats, at least 0.</param>
    /// <returns>The array; its contents are undefined.</returns>
    public static unsafe float[] Floats(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        float[] array = GC.AllocateUninitializedArray<float>(length, pinned: true);
        if ((long)length * sizeof(float) >= NativeBuffers.HugeThreshold)
        {
            fixed (float* p = array)
            {
                NativeBuffers.AdviseHugePages(p, (nuint)length * sizeof(float));
            }
        }

        return array;
    }
}
