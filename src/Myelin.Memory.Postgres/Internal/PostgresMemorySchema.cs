using Npgsql;

namespace Myelin.Memory.Postgres.Internal;

/// <summary>The memory tables on PostgreSQL, as numbered steps applied under an advisory lock (concurrent starts are
/// safe). Tables carry a <c>memory_</c> prefix and their own migrations table, apart from the storage room's.</summary>
/// <remarks>
/// <para>Full text: <c>terms</c> is a <c>tsvector</c> of the terms Myelin's <c>TextAnalyzer</c> produced (case folding,
/// stop words, Porter stems), built with the <c>simple</c> configuration so PostgreSQL adds no second stemming and
/// both stores match the same terms. A GIN index serves <c>@@</c>; every query also filters by tenant and user.</para>
/// <para>Never edit a shipped step: add a new one.</para>
/// </remarks>
internal static class PostgresMemorySchema
{
    // An arbitrary constant that no other room uses for pg_advisory_xact_lock.
    private const long LockKey = 0x4D454D4F5259;

    private static readonly (int Version, string Sql)[] s_steps =
    [
        (1, """
            CREATE TABLE memory_items (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id text COLLATE "C" NOT NULL UNIQUE,
                tenant text COLLATE "C" NOT NULL,
                user_id text COLLATE "C" NOT NULL,
                agent_id text COLLATE "C",
                session_id text COLLATE "C",
                kind integer NOT NULL,
                text text NOT NULL,
                subject text COLLATE "C",
                value text,
                speaker text,
                valid_from bigint NOT NULL,
                valid_to bigint,
                recorded_at bigint NOT NULL,
                invalidated_at bigint,
                source_offsets text NOT NULL,
                log_offset bigint,
                importance real NOT NULL,
                access_count bigint NOT NULL DEFAULT 0,
                last_accessed_at bigint,
                supersedes text COLLATE "C",
                superseded_by text COLLATE "C",
                vector real[],
                terms tsvector NOT NULL
            );
            CREATE INDEX ix_memory_items_user ON memory_items (tenant, user_id, valid_from);
            CREATE INDEX ix_memory_items_user_seq ON memory_items (tenant, user_id, seq);
            CREATE INDEX ix_memory_items_subject ON memory_items (tenant, user_id, subject) WHERE subject IS NOT NULL;
            CREATE INDEX ix_memory_items_session ON memory_items (tenant, user_id, session_id, seq) WHERE kind = 0;
            CREATE INDEX ix_memory_items_log ON memory_items (tenant, log_offset) WHERE log_offset IS NOT NULL;
            CREATE INDEX ix_memory_items_terms ON memory_items USING gin (terms);
            CREATE TABLE memory_history (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                tenant text COLLATE "C" NOT NULL,
                user_id text COLLATE "C" NOT NULL,
                item_id text COLLATE "C" NOT NULL,
                at bigint NOT NULL,
                action integer NOT NULL,
                text text NOT NULL,
                valid_from bigint NOT NULL,
                valid_to bigint,
                related_id text,
                reason text
            );
            CREATE INDEX ix_memory_history_item ON memory_history (tenant, item_id, seq);
            CREATE INDEX ix_memory_history_user ON memory_history (tenant, user_id);
            CREATE TABLE memory_quarantine (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                tenant text COLLATE "C" NOT NULL,
                user_id text COLLATE "C" NOT NULL,
                at bigint NOT NULL,
                extractor text NOT NULL,
                attempts integer NOT NULL,
                error text NOT NULL,
                output text NOT NULL,
                source_offsets text NOT NULL
            );
            CREATE INDEX ix_memory_quarantine_user ON memory_quarantine (tenant, user_id, seq);
            CREATE TABLE memory_audit (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id text COLLATE "C" NOT NULL UNIQUE,
                tenant text COLLATE "C" NOT NULL,
                at bigint NOT NULL,
                action text NOT NULL,
                subject_hash text NOT NULL,
                through_offset bigint NOT NULL DEFAULT 0,
                detail text NOT NULL
            );
            CREATE INDEX ix_memory_audit_subject ON memory_audit (tenant, subject_hash);
            """),
    ];

    public const string ItemColumns =
        "seq, id, user_id, agent_id, session_id, kind, text, subject, value, speaker, valid_from, valid_to, recorded_at, " +
        "invalidated_at, source_offsets, importance, access_count, last_accessed_at, supersedes, superseded_by";

    public static async Task ApplyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        using (var batch = new NpgsqlCommand(
            "SELECT pg_advisory_xact_lock(@key); CREATE TABLE IF NOT EXISTS memory_schema_migrations (version integer PRIMARY KEY)",
            connection,
            tx))
        {
            batch.Parameters.AddWithValue("key", LockKey);
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int current;
        using (var select = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM memory_schema_migrations", connection, tx))
        {
            current = (int)(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        foreach ((int version, string sql) in s_steps)
        {
            if (version <= current)
            {
                continue;
            }

            using var step = new NpgsqlCommand(sql + "; INSERT INTO memory_schema_migrations (version) VALUES (@version)", connection, tx);
            step.Parameters.AddWithValue("version", version);
            await step.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
