namespace Myelin.Core.Blobs;

/// <summary>Bytes written to a temporary file and hashed, not yet visible under their content address.</summary>
/// <remarks>
/// Created by <see cref="BlobFiles.StageAsync"/>. Pass it to <see cref="BlobFiles.Promote"/> to make it visible;
/// disposing it deletes the temporary file if it was not promoted, so a failed put leaves nothing behind.
/// Not thread-safe: one put owns it.
/// </remarks>
public sealed class StagedBlob : IDisposable
{
    internal StagedBlob(TenantId tenant, string tempPath, BlobRef blob)
    {
        Tenant = tenant;
        TempPath = tempPath;
        Blob = blob;
    }

    /// <summary>The tenant the bytes were staged for.</summary>
    public TenantId Tenant { get; }

    /// <summary>The content address and length of the staged bytes.</summary>
    public BlobRef Blob { get; }

    internal string TempPath { get; }

    /// <summary>Deletes the temporary file when it was not promoted.</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(TempPath);
        }
        catch (IOException)
        {
            // A leftover temporary file is harmless: it is never visible under a content address and is swept on open.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
