using System.Runtime.InteropServices;

namespace Myelin.Numerics.Internal;

/// <summary>
/// Aligned native allocations for tensors and scratch. Large blocks (4 MiB and up) are aligned to 2 MiB and, on
/// Linux, advised as transparent huge pages (madvise MADV_HUGEPAGE), as numpy does for its large arrays: a GEMM
/// walks rows of A and C that sit a page or more apart, and with 4 KiB pages every row of a 144-row block is its
/// own TLB entry. Where the kernel's THP mode is "never" the advice is a no-op and the memory behaves as before.
/// </summary>
internal static unsafe partial class NativeBuffers
{
    /// <summary>Blocks of at least this many bytes are huge-page aligned and advised.</summary>
    public const long HugeThreshold = 4L << 20;

    private const nuint HugePage = 2u << 20;
    private const int MadviseHugePage = 14;

    public static void* Allocate(nuint bytes, nuint alignment)
    {
        if ((long)bytes < HugeThreshold || !OperatingSystem.IsLinux())
        {
            return NativeMemory.AlignedAlloc(bytes, alignment);
        }

        nuint rounded = (bytes + HugePage - 1) & ~(HugePage - 1);
        void* block = NativeMemory.AlignedAlloc(rounded, HugePage);
        AdviseHugePages(block, rounded);
        return block;
    }

    public static void Free(void* block) => NativeMemory.AlignedFree(block);

    /// <summary>
    /// Advises the whole 2 MiB pages inside [<paramref name="start"/>, <paramref name="start"/> + <paramref name="bytes"/>)
    /// as transparent huge pages (Linux; elsewhere, or below one whole huge page, nothing happens).
    /// </summary>
    public static void AdviseHugePages(void* start, nuint bytes)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        nuint first = ((nuint)start + HugePage - 1) & ~(HugePage - 1);
        nuint end = ((nuint)start + bytes) & ~(HugePage - 1);
        if (end > first)
        {
            _ = Madvise((void*)first, end - first, MadviseHugePage);
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
