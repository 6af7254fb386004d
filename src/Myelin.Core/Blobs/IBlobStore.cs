namespace Myelin.Core.Blobs;

/// <summary>Content-addressed storage for weights, checkpoints and datasets.</summary>
/// <remarks>
/// <para>Blobs are addressed by the SHA-256 of their bytes and scoped by tenant: a tenant can only see or release blobs it
/// holds references to. Writes are atomic (temporary file, fsync, rename) so a crash never leaves a partial blob visible.</para>
/// <para>Every <see cref="PutAsync"/> and <see cref="AddRefAsync"/> adds one reference; <see cref="ReleaseAsync"/> removes one;
/// the bytes are deleted when a tenant's last reference goes. Reads verify the hash and throw
/// <see cref="MyelinIntegrityException"/> when the bytes on disk no longer match.</para>
/// <para>Implementations are thread-safe.</para>
/// </remarks>
public interface IBlobStore
{
    /// <summary>Stores the stream's bytes (if not already stored for the tenant) and adds one reference.</summary>
    Task<BlobRef> PutAsync(TenantId tenant, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens a blob for reading after verifying its hash. The caller disposes the stream.</summary>
    /// <exception cref="MyelinNotFoundException">The tenant holds no reference to the blob.</exception>
    /// <exception cref="MyelinIntegrityException">The stored bytes do not match the hash.</exception>
    Task<Stream> OpenReadAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default);

    /// <summary>The blob's length, or null when the tenant holds no reference to it.</summary>
    Task<BlobRef?> GetAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default);

    /// <summary>Adds one reference to a blob the tenant already holds.</summary>
    /// <exception cref="MyelinNotFoundException">The tenant holds no reference to the blob.</exception>
    Task AddRefAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default);

    /// <summary>Removes one reference; deletes the bytes when it was the last. Returns the references left.</summary>
    /// <exception cref="MyelinNotFoundException">The tenant holds no reference to the blob.</exception>
    Task<long> ReleaseAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default);

    /// <summary>The number of references the tenant holds to the blob (0 when none).</summary>
    Task<long> GetRefCountAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default);
}
