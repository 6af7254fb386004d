using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Core.Log;

namespace Myelin.Storage.Sqlite.Internal;

/// <summary>Consumer checkpoints on SQLite.</summary>
internal sealed class SqliteCheckpointStore : ICheckpointStore
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteCheckpointStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    public Task<long> GetAsync(TenantId tenant, string consumer, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        StoreGuard.Consumer(consumer);
        return _database.ReadAsync(session => Read(session, tenantId, consumer) ?? 0, cancellationToken);
    }

    public Task SetAsync(TenantId tenant, string consumer, long offset, bool force = false, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        StoreGuard.Consumer(consumer);
        if (offset < 0)
        {
            throw new MyelinValidationException("invalid_offset", $"A checkpoint offset must be 0 or greater, got {offset}.");
        }

        long now = UnixMicros.From(_time.GetUtcNow());
        return _database.WriteAsync(
            session =>
            {
                session.Begin();
                long? current = Read(session, tenantId, consumer);
                if (current > offset && !force)
                {
                    throw new MyelinValidationException(
                        "checkpoint_backwards",
                        $"Checkpoint '{consumer}' is at {current}; moving it back to {offset} needs force (used to rebuild from the log).");
                }

                var upsert = session.Command("""
                    INSERT INTO checkpoints (tenant, consumer, log_offset, updated_at) VALUES (@tenant, @consumer, @offset, @now)
                    ON CONFLICT (tenant, consumer) DO UPDATE SET log_offset = excluded.log_offset, updated_at = excluded.updated_at
                    """);
                upsert.Parameters.AddWithValue("@tenant", tenantId);
                upsert.Parameters.AddWithValue("@consumer", consumer);
                upsert.Parameters.AddWithValue("@offset", offset);
                upsert.Parameters.AddWithValue("@now", now);
                upsert.ExecuteNonQuery();
                session.Commit();
                return true;
            },
            cancellationToken);
    }

    private static long? Read(SqliteSession session, string tenantId, string consumer)
    {
        var command = session.Command("SELECT log_offset FROM checkpoints WHERE tenant = @tenant AND consumer = @consumer");
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@consumer", consumer);
        return command.ExecuteScalar() is long value ? value : null;
    }
}
