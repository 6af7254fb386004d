using Npgsql;

namespace Myelin.Storage.Postgres.Internal;

/// <summary>The schema as ordered, numbered steps, applied under an advisory lock so concurrent starts are safe.</summary>
/// <remarks>Never edit a shipped step: add a new one. Every query filters by tenant, so every index leads with it.</remarks>
internal static class PostgresMigrations
{
    private static readonly (int Version, string Name, string Sql)[] s_steps =
    [
        (1, "experience_log", """
            CREATE TABLE tenant_heads (
                tenant text COLLATE "C" NOT NULL PRIMARY KEY,
                head bigint NOT NULL
            );
            CREATE TABLE log (
                tenant text COLLATE "C" NOT NULL,
                log_offset bigint NOT NULL,
                kind text NOT NULL,
                ts bigint NOT NULL,
                recorded_at bigint NOT NULL,
                trace_id text,
                session_id text,
                episode_id text,
                idempotency_key text,
                payload text NOT NULL,
                PRIMARY KEY (tenant, log_offset)
            );
            CREATE INDEX ix_log_tenant_kind ON log (tenant, kind, log_offset);
            CREATE INDEX ix_log_tenant_ts ON log (tenant, ts);
            CREATE INDEX ix_log_tenant_trace ON log (tenant, trace_id) WHERE trace_id IS NOT NULL;
            CREATE INDEX ix_log_tenant_session ON log (tenant, session_id) WHERE session_id IS NOT NULL;
            CREATE INDEX ix_log_tenant_episode ON log (tenant, episode_id) WHERE episode_id IS NOT NULL;
            CREATE UNIQUE INDEX ix_log_tenant_idempotency ON log (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL;
            CREATE TABLE checkpoints (
                tenant text COLLATE "C" NOT NULL,
                consumer text NOT NULL,
                log_offset bigint NOT NULL,
                updated_at bigint NOT NULL,
                PRIMARY KEY (tenant, consumer)
            );
            """),
        (2, "tenancy", """
            CREATE TABLE tenants (
                id text COLLATE "C" NOT NULL PRIMARY KEY,
                display_name text NOT NULL,
                created_at bigint NOT NULL
            );
            CREATE TABLE api_keys (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                tenant text COLLATE "C" NOT NULL,
                key_id text NOT NULL,
                name text NOT NULL,
                role integer NOT NULL,
                key_hash text NOT NULL,
                created_at bigint NOT NULL,
                revoked_at bigint
            );
            CREATE UNIQUE INDEX ix_api_keys_tenant_key ON api_keys (tenant, key_id);
            CREATE UNIQUE INDEX ix_api_keys_hash ON api_keys (key_hash);
            """),
        (3, "blobs", """
            CREATE TABLE blobs (
                tenant text COLLATE "C" NOT NULL,
                sha256 text NOT NULL,
                length bigint NOT NULL,
                refcount bigint NOT NULL CHECK (refcount > 0),
                created_at bigint NOT NULL,
                PRIMARY KEY (tenant, sha256)
            );
            """),
    ];

    /// <summary>Applies every step not yet recorded, in one transaction, holding a per-schema advisory lock.</summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, long nowMicros, CancellationToken cancellationToken)
    {
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);

        // Two servers starting at once would race on CREATE TABLE; the transaction-scoped lock makes the second wait
        // and then find the steps already recorded. The key is per schema, so separate schemas migrate independently.
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext('myelin.migrations:' || current_schema()))", cancellationToken)
            .ConfigureAwait(false);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer NOT NULL PRIMARY KEY,
                name text NOT NULL,
                applied_at bigint NOT NULL
            )
            """, cancellationToken).ConfigureAwait(false);

        var applied = new HashSet<int>();
        using (var select = new NpgsqlCommand("SELECT version FROM schema_migrations", connection))
        {
            NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }
        }

        foreach ((int version, string name, string sql) in s_steps)
        {
            if (applied.Contains(version))
            {
                continue;
            }

            await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
            using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @t)", connection);
            record.Parameters.AddWithValue("v", version);
            record.Parameters.AddWithValue("n", name);
            record.Parameters.AddWithValue("t", nowMicros);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        using (var tenant = new NpgsqlCommand(
            "INSERT INTO tenants (id, display_name, created_at) VALUES ('default', 'Default', @t) ON CONFLICT (id) DO NOTHING", connection))
        {
            tenant.Parameters.AddWithValue("t", nowMicros);
            await tenant.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
