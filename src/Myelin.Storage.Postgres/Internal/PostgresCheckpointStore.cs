using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Core.Log;
using Npgsql;

namespace Myelin.Storage.Postgres.Internal;

/// <summary>Consumer checkpoints on PostgreSQL.</summary>
internal sealed class PostgresCheckpointStore : ICheckpointStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;

    public PostgresCheckpointStore(NpgsqlDataSource dataSource, TimeProvider time)
    {
        _dataSource = dataSource;
        _time = time;
    }

    public async Task<long> GetAsync(TenantId tenant, string consumer, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        StoreGuard.Consumer(consumer);
        using NpgsqlCommand command = _dataSource.CreateCommand(
            "SELECT log_offset FROM checkpoints WHERE tenant = @tenant AND consumer = @consumer");
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("consumer", consumer);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long offset ? offset : 0;
    }

    public async Task SetAsync(TenantId tenant, string consumer, long offset, bool force = false, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        StoreGuard.Consumer(consumer);
        if (offset < 0)
        {
            throw new MyelinValidationException("invalid_offset", $"A checkpoint offset must be 0 or greater, got {offset}.");
        }

        // The upsert only moves the checkpoint when allowed, atomically; when it did not, read back why.
        using NpgsqlCommand upsert = _dataSource.CreateCommand("""
            INSERT INTO checkpoints (tenant, consumer, log_offset, updated_at) VALUES (@tenant, @consumer, @offset, @now)
            ON CONFLICT (tenant, consumer) DO UPDATE SET log_offset = excluded.log_offset, updated_at = excluded.updated_at
            WHERE @force OR checkpoints.log_offset <= excluded.log_offset
            """);
        upsert.Parameters.AddWithValue("tenant", tenantId);
        upsert.Parameters.AddWithValue("consumer", consumer);
        upsert.Parameters.AddWithValue("offset", offset);
        upsert.Parameters.AddWithValue("now", UnixMicros.From(_time.GetUtcNow()));
        upsert.Parameters.AddWithValue("force", force);
        if (await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            long current = await GetAsync(tenant, consumer, cancellationToken).ConfigureAwait(false);
            throw new MyelinValidationException(
                "checkpoint_backwards",
                $"Checkpoint '{consumer}' is at {current}; moving it back to {offset} needs force (used to rebuild from the log).");
        }
    }
}
