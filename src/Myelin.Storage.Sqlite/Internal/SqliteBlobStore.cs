using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Core.Blobs;

namespace Myelin.Storage.Sqlite.Internal;

/// <summary>Blobs: bytes on local disk (<see cref="BlobFiles"/>), reference counts in SQLite.</summary>
/// <remarks>
/// File moves and deletes happen inside the write transaction that changes the count, so a put and a release of the
/// same blob can never interleave (the write lock serialises them, across processes too).
/// </remarks>
internal sealed class SqliteBlobStore : IBlobStore
{
    private readonly SqliteDatabase _database;
    private readonly BlobFiles _files;
    private readonly TimeProvider _time;

    public SqliteBlobStore(SqliteDatabase database, BlobFiles files, TimeProvider time)
    {
        _database = database;
        _files = files;
        _time = time;
    }

    public async Task<BlobRef> PutAsync(TenantId tenant, Stream content, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        ArgumentNullException.ThrowIfNull(content);
        using StagedBlob staged = await _files.StageAsync(tenant, content, cancellationToken).ConfigureAwait(false);
        long now = UnixMicros.From(_time.GetUtcNow());
        return await _database.WriteAsync(
            session =>
            {
                session.Begin();
                var upsert = session.Command("""
                    INSERT INTO blobs (tenant, sha256, length, refcount, created_at) VALUES (@tenant, @sha, @length, 1, @now)
                    ON CONFLICT (tenant, sha256) DO UPDATE SET refcount = refcount + 1
                    """);
                upsert.Parameters.AddWithValue("@tenant", tenantId);
                upsert.Parameters.AddWithValue("@sha", staged.Blob.Sha256);
                upsert.Parameters.AddWithValue("@length", staged.Blob.Length);
                upsert.Parameters.AddWithValue("@now", now);
                upsert.ExecuteNonQuery();
                _files.Promote(staged);
                session.Commit();
                return staged.Blob;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<Stream> OpenReadAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(tenant, sha256, cancellationToken).ConfigureAwait(false) is null)
        {
            throw NotFound(sha256);
        }

        return await _files.OpenVerifiedAsync(tenant, sha256, cancellationToken).ConfigureAwait(false);
    }

    public Task<BlobRef?> GetAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        BlobFiles.EnsureValidHash(sha256);
        return _database.ReadAsync<BlobRef?>(
            session =>
            {
                var find = session.Command("SELECT length FROM blobs WHERE tenant = @tenant AND sha256 = @sha");
                find.Parameters.AddWithValue("@tenant", tenantId);
                find.Parameters.AddWithValue("@sha", sha256);
                return find.ExecuteScalar() is long length ? new BlobRef(sha256, length) : null;
            },
            cancellationToken);
    }

    public Task AddRefAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        BlobFiles.EnsureValidHash(sha256);
        return _database.WriteAsync(
            session =>
            {
                var update = session.Command("UPDATE blobs SET refcount = refcount + 1 WHERE tenant = @tenant AND sha256 = @sha");
                update.Parameters.AddWithValue("@tenant", tenantId);
                update.Parameters.AddWithValue("@sha", sha256);
                return update.ExecuteNonQuery() == 1 ? true : throw NotFound(sha256);
            },
            cancellationToken);
    }

    public Task<long> ReleaseAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        BlobFiles.EnsureValidHash(sha256);
        return _database.WriteAsync(
            session =>
            {
                session.Begin();
                long count = RefCount(session, tenantId, sha256);
                if (count == 0)
                {
                    throw NotFound(sha256);
                }

                SqliteCommand change = session.Command(count == 1
                    ? "DELETE FROM blobs WHERE tenant = @tenant AND sha256 = @sha"
                    : "UPDATE blobs SET refcount = refcount - 1 WHERE tenant = @tenant AND sha256 = @sha");
                change.Parameters.AddWithValue("@tenant", tenantId);
                change.Parameters.AddWithValue("@sha", sha256);
                change.ExecuteNonQuery();
                if (count == 1)
                {
                    _files.Delete(tenant, sha256);
                }

                session.Commit();
                return count - 1;
            },
            cancellationToken);
    }

    public Task<long> GetRefCountAsync(TenantId tenant, string sha256, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        BlobFiles.EnsureValidHash(sha256);
        return _database.ReadAsync(session => RefCount(session, tenantId, sha256), cancellationToken);
    }

    private static long RefCount(SqliteSession session, string tenantId, string sha256)
    {
        var find = session.Command("SELECT refcount FROM blobs WHERE tenant = @tenant AND sha256 = @sha");
        find.Parameters.AddWithValue("@tenant", tenantId);
        find.Parameters.AddWithValue("@sha", sha256);
        return find.ExecuteScalar() is long count ? count : 0;
    }

    private static MyelinNotFoundException NotFound(string sha256) =>
        new("blob_not_found", $"Blob {sha256} is not stored for this tenant.");
}
