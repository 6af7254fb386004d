using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Core.Blobs;
using Npgsql;

namespace Myelin.Storage.Postgres.Internal;

/// <summary>Blobs: bytes in a shared directory (<see cref="BlobFiles"/>), reference counts in PostgreSQL.</summary>
/// <remarks>
/// File moves and deletes happen while the transaction holds the blob's row lock, so a put and a release of the same
/// blob on different servers can never interleave.
/// </remarks>
internal sealed class PostgresBlobStore : IBlobStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly BlobFiles _files;
    private readonly TimeProvider _time;

    public PostgresBlobStore(NpgsqlDataSource dataSource, BlobFiles files, TimeProvider time)
    {
        _dataSource = dataSource;
        _files = files;
        _time = time;
    }

    public async Task<BlobRef> PutAsync(TenantId tenant, Stream content, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        ArgumentNullException.ThrowIfNull(content);
        using StagedBlob staged = await _files.StageAsync(tenant, content, cancellationToken).ConfigureAwait(false);

        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        await using var connectionScope = connection.ConfigureAwait(false);
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        using (var upsert = new NpgsqlCommand("""
            INSERT INTO blobs (tenant, sha256, length, refcount, created_at) VALUES (@tenant, @sha, @length, 1, @now)
            ON CONFLICT (tenant, sha256) DO UPDATE SET refcount = blobs.refcount + 1
            """, connection, transaction))
        {
            upsert.Parameters.AddWithValue("tenant", tenantId);
            upsert.Parameters.AddWithValue("sha", staged.Blob.Sha256);
            upsert.Parameters.AddWithValue("length", staged.Blob.Length);
            upsert.Parameters.AddWithValue("now", UnixMicros.From(_time.GetUtcNow()));
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        _files.Promote(staged);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return staged.Blob;
    }

    public async Task<Stream> OpenReadAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(tenant, sha256, cancellationToken).ConfigureAwait(false) is null)
        {
            throw NotFound(sha256);
        }

        return await _files.OpenVerifiedAsync(tenant, sha256, cancellationToken).ConfigureAwait(false);
    }

    public async Task<BlobRef?> GetAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        BlobFiles.EnsureValidHash(sha256);
        using NpgsqlCommand find = _dataSource.CreateCommand("SELECT length FROM blobs WHERE tenant = @tenant AND sha256 = @sha");
        find.Parameters.AddWithValue("tenant", tenantId);
        find.Parameters.AddWithValue("sha", sha256);
        return await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long length ? new BlobRef(sha256, length) : null;
    }

    public async Task AddRefAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        BlobFiles.EnsureValidHash(sha256);
        using NpgsqlCommand update = _dataSource.CreateCommand(
            "UPDATE blobs SET refcount = refcount + 1 WHERE tenant = @tenant AND sha256 = @sha");
        update.Parameters.AddWithValue("tenant", tenantId);
        update.Parameters.AddWithValue("sha", sha256);
        if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw NotFound(sha256);
        }
    }

    public async Task<long> ReleaseAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        BlobFiles.EnsureValidHash(sha256);
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        long count;
        using (var select = new NpgsqlCommand(
            "SELECT refcount FROM blobs WHERE tenant = @tenant AND sha256 = @sha FOR UPDATE", connection, transaction))
        {
            // FOR UPDATE waits for a concurrent put or release of this blob and then reads its latest count.
            select.Parameters.AddWithValue("tenant", tenantId);
            select.Parameters.AddWithValue("sha", sha256);
            count = await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long found ? found : 0;
        }

        if (count == 0)
        {
            throw NotFound(sha256);
        }

        long left = count - 1;
        using (var change = new NpgsqlCommand(
            left == 0
                ? "DELETE FROM blobs WHERE tenant = @tenant AND sha256 = @sha"
                : "UPDATE blobs SET refcount = refcount - 1 WHERE tenant = @tenant AND sha256 = @sha",
            connection,
            transaction))
        {
            change.Parameters.AddWithValue("tenant", tenantId);
            change.Parameters.AddWithValue("sha", sha256);
            await change.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (left == 0)
        {
            _files.Delete(tenant, sha256);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return left;
    }

    public async Task<long> GetRefCountAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        BlobFiles.EnsureValidHash(sha256);
        using NpgsqlCommand find = _dataSource.CreateCommand("SELECT refcount FROM blobs WHERE tenant = @tenant AND sha256 = @sha");
        find.Parameters.AddWithValue("tenant", tenantId);
        find.Parameters.AddWithValue("sha", sha256);
        return await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long count ? count : 0;
    }

    private static MyelinNotFoundException NotFound(string sha256) =>
        new("blob_not_found", $"Blob {sha256} is not stored for this tenant.");
}
