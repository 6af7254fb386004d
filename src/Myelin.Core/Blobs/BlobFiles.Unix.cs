using System.Runtime.InteropServices;

namespace Myelin.Core.Blobs;

/// <content>Flushing a directory entry to disk after a rename or delete, where the platform allows it.</content>
public sealed partial class BlobFiles
{
    /// <summary>Best-effort fsync of a directory so a rename survives power loss (POSIX only; a no-op on Windows).</summary>
    private static void FlushDirectory(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()))
        {
            return;
        }

        int fd = Open(directory, 0);
        if (fd < 0)
        {
            return;
        }

        _ = Fsync(fd);
        _ = Close(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
