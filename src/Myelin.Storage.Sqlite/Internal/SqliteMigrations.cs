using Microsoft.Data.Sqlite;

namespace Myelin.Storage.Sqlite.Internal;

/// <summary>The schema as ordered, numbered steps; each is applied once and recorded in <c>schema_migrations</c>.</summary>
/// <remarks>Never edit a shipped step: add a new one. Every query filters by tenant, so every index leads with it.</remarks>
internal static class SqliteMigrations
{
    private static readonly (int Version, string Name, string Sql)[] s_steps =
    [
        (1, "experience_log", """
            CREATE TABLE log (
                tenant TEXT NOT NULL,
                log_offset INTEGER NOT NULL,
                kind TEXT NOT NULL,
                ts INTEGER NOT NULL,
                recorded_at INTEGER NOT NULL,
                trace_id TEXT,
                session_id TEXT,
                episode_id TEXT,
                idempotency_key TEXT,
                payload TEXT NOT NULL
            );
            CREATE UNIQUE INDEX ix_log_tenant_offset ON log (tenant, log_offset);
            CREATE INDEX ix_log_tenant_kind ON log (tenant, kind, log_offset);
            CREATE INDEX ix_log_tenant_ts ON log (tenant, ts);
            CREATE INDEX ix_log_tenant_trace ON log (tenant, trace_id) WHERE trace_id IS NOT NULL;
            CREATE INDEX ix_log_tenant_session ON log (tenant, session_id) WHERE session_id IS NOT NULL;
            CREATE INDEX ix_log_tenant_episode ON log (tenant, episode_id) WHERE episode_id IS NOT NULL;
            CREATE UNIQUE INDEX ix_log_tenant_idempotency ON log (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL;
            CREATE TABLE checkpoints (
                tenant TEXT NOT NULL,
                consumer TEXT NOT NULL,
                log_offset INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (tenant, consumer)
            ) WITHOUT ROWID;
            """),
        (2, "tenancy", """
            CREATE TABLE tenants (
                id TEXT NOT NULL PRIMARY KEY,
                display_name TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE api_keys (
                tenant TEXT NOT NULL,
                key_id TEXT NOT NULL,
                name TEXT NOT NULL,
                role INTEGER NOT NULL,
                key_hash TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            );
            CREATE UNIQUE INDEX ix_api_keys_tenant_key ON api_keys (tenant, key_id);
            CREATE UNIQUE INDEX ix_api_keys_hash ON api_keys (key_hash);
            """),
        (3, "blobs", """
            CREATE TABLE blobs (
                tenant TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                length INTEGER NOT NULL,
                refcount INTEGER NOT NULL CHECK (refcount > 0),
                created_at INTEGER NOT NULL,
                PRIMARY KEY (tenant, sha256)
            ) WITHOUT ROWID;
            """),
    ];

    /// <summary>The version the newest step brings the schema to.</summary>
    public static int LatestVersion => s_steps[^1].Version;

    /// <summary>Applies every step not yet recorded, in one transaction, holding the database write lock.</summary>
    public static int Apply(SqliteSession session, long nowMicros)
    {
        session.Begin();
        Execute(session, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at INTEGER NOT NULL
            );
            """);

        var applied = new HashSet<long>();
        using (SqliteDataReader reader = session.Command("SELECT version FROM schema_migrations").ExecuteReader())
        {
            while (reader.Read())
            {
                applied.Add(reader.GetInt64(0));
            }
        }

        int count = 0;
        foreach ((int version, string name, string sql) in s_steps)
        {
            if (applied.Contains(version))
            {
                continue;
            }

            Execute(session, sql);
            SqliteCommand record = session.Command("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @t)");
            record.Parameters.AddWithValue("@v", version);
            record.Parameters.AddWithValue("@n", name);
            record.Parameters.AddWithValue("@t", nowMicros);
            record.ExecuteNonQuery();
            count++;
        }

        session.Commit();
        return count;
    }

    /// <summary>The highest applied version, or 0 before the first migration.</summary>
    public static int CurrentVersion(SqliteSession session)
    {
        SqliteCommand exists = session.Command("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
        if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return 0;
        }

        object? value = session.Command("SELECT MAX(version) FROM schema_migrations").ExecuteScalar();
        return value is long version ? (int)version : 0;
    }

    private static void Execute(SqliteSession session, string sql)
    {
        using SqliteCommand command = session.Connection.CreateCommand();
        command.Transaction = session.Transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
