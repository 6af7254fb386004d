using System.Buffers;
using System.Security.Cryptography;

namespace Myelin.Core.Blobs;

/// <summary>
/// The file side of a content-addressed blob store: bytes live under <c>{root}/{tenant}/{hh}/{sha256}</c>.
/// Storage providers keep the reference counts in their database and use this type for the bytes.
/// </summary>
/// <remarks>
/// <para>Writes are atomic: bytes stream into a temporary file under <c>{root}/{tenant}/tmp</c> while being hashed, the
/// file is flushed to disk, then renamed into place and the directory is flushed, so a crash never leaves a partial
/// blob under its address. Reads verify the SHA-256 before returning the stream.</para>
/// <para>Each tenant has its own directory, so one tenant can never learn that another holds the same bytes.</para>
/// <para>Thread-safe. Callers serialise <see cref="Promote"/> and <see cref="Delete"/> for the same blob with the
/// reference-count update in their database (a row lock or a writer lock).</para>
/// </remarks>
public sealed partial class BlobFiles
{
    private const string TempDirectoryName = "tmp";
    private const string TempSuffix = ".partial";
    private const int BufferSize = 128 * 1024;

    /// <summary>Creates the file side of a blob store rooted at <paramref name="rootDirectory"/> (created if missing).</summary>
    public BlobFiles(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
        Directory.CreateDirectory(RootDirectory);
    }

    /// <summary>The directory that holds every tenant's blobs.</summary>
    public string RootDirectory { get; }

    /// <summary>Where the blob's bytes live for the tenant.</summary>
    /// <exception cref="MyelinValidationException">The hash is not 64 lower-case hex characters.</exception>
    public string GetPath(TenantId tenant, string sha256)
    {
        EnsureValidHash(sha256);
        return Path.Combine(TenantDirectory(tenant), sha256[..2], sha256);
    }

    /// <summary>Throws <see cref="MyelinValidationException"/> unless <paramref name="sha256"/> is a valid content address.</summary>
    public static void EnsureValidHash(string? sha256)
    {
        if (!BlobRef.IsValidHash(sha256))
        {
            throw new MyelinValidationException("invalid_hash", "A blob hash must be 64 lower-case hex characters (SHA-256).");
        }
    }

    /// <summary>Streams <paramref name="content"/> into a temporary file while hashing it, and flushes it to disk.</summary>
    /// <remarks>The caller disposes the result; until it is promoted the bytes are visible nowhere.</remarks>
    public async Task<StagedBlob> StageAsync(TenantId tenant, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanRead)
        {
            throw new MyelinValidationException("invalid_stream", "The blob content stream is not readable.");
        }

        string tempDirectory = Path.Combine(TenantDirectory(tenant), TempDirectoryName);
        Directory.CreateDirectory(tempDirectory);
        string tempPath = Path.Combine(tempDirectory, Guid.NewGuid().ToString("N") + TempSuffix);

        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            var fileOptions = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
            };
            var file = new FileStream(tempPath, fileOptions);
            await using (file.ConfigureAwait(false))
            {
                int read;
                while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    length += read;
                }

                file.Flush(flushToDisk: true);
            }

            string sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            return new StagedBlob(tenant, tempPath, new BlobRef(sha256, length));
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Whether the blob's bytes are present for the tenant.</summary>
    public bool Exists(TenantId tenant, string sha256) => File.Exists(GetPath(tenant, sha256));

    /// <summary>Makes staged bytes visible under their address (atomic rename), unless identical bytes are already there.</summary>
    public void Promote(StagedBlob staged)
    {
        ArgumentNullException.ThrowIfNull(staged);
        string path = GetPath(staged.Tenant, staged.Blob.Sha256);
        if (File.Exists(path))
        {
            staged.Dispose();
            return;
        }

        string directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        File.Move(staged.TempPath, path, overwrite: true);
        FlushDirectory(directory);
    }

    /// <summary>Deletes the blob's bytes for the tenant (no error when already absent).</summary>
    public void Delete(TenantId tenant, string sha256)
    {
        string path = GetPath(tenant, sha256);
        TryDelete(path);
        FlushDirectory(Path.GetDirectoryName(path)!);
    }

    /// <summary>Opens the blob for reading after checking that its bytes still hash to <paramref name="sha256"/>.</summary>
    /// <exception cref="MyelinIntegrityException">The file is missing or its bytes no longer match the hash.</exception>
    public async Task<Stream> OpenVerifiedAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default)
    {
        string path = GetPath(tenant, sha256);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new MyelinIntegrityException(
                "blob_missing", $"Blob {sha256} is referenced but its file is missing from {RootDirectory}. Restore it from a backup or put it again.");
        }

        try
        {
            byte[] actual = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(Convert.ToHexStringLower(actual), sha256, StringComparison.Ordinal))
            {
                throw new MyelinIntegrityException(
                    "blob_corrupt", $"Blob {sha256} failed its integrity check: the bytes on disk no longer match the hash. Restore it from a backup or put it again.");
            }

            stream.Position = 0;
            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Deletes temporary files older than <paramref name="age"/> left behind by puts that crashed.</summary>
    public void SweepTemporaryFiles(TimeSpan age)
    {
        DateTime cutoff = DateTime.UtcNow - age;
        foreach (string tenantDirectory in Directory.EnumerateDirectories(RootDirectory))
        {
            string tempDirectory = Path.Combine(tenantDirectory, TempDirectoryName);
            if (!Directory.Exists(tempDirectory))
            {
                continue;
            }

            foreach (string file in Directory.EnumerateFiles(tempDirectory, "*" + TempSuffix))
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff)
                {
                    TryDelete(file);
                }
            }
        }
    }

    private string TenantDirectory(TenantId tenant)
    {
        if (tenant.Value is null)
        {
            throw new MyelinValidationException("invalid_tenant", "A tenant id is required.");
        }

        return Path.Combine(RootDirectory, tenant.Value);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: an undeletable leftover is never visible under a content address.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
