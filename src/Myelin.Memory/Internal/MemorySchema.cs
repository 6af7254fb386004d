namespace Myelin.Memory.Internal;

/// <summary>The memory room's SQLite schema. Tables live in their own file (<c>memory.db</c>), apart from other rooms.</summary>
internal static class MemorySchema
{
    public const int Version = 2;

    // items_fts is contentless (the analysed terms are all it needs) with contentless_delete so forgetting a user
    // can remove rows. Each term carries its tenant+user's token (FullTextTerms). Version 1 had a separate 'scope'
    // column ANDed into every query instead; opening such a file drops that index and FullTextIndexer rebuilds it.
    // fts_state holds the highest item sequence in the index, fts_terms the number of indexed items holding each
    // (scope-prefixed) term, so search can leave out a user's most common terms (FullTextIndexer, FullTextTerms).
    public const string Create = """
        CREATE TABLE IF NOT EXISTS items (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            tenant TEXT NOT NULL,
            user_id TEXT NOT NULL,
            agent_id TEXT,
            session_id TEXT,
            kind INTEGER NOT NULL,
            text TEXT NOT NULL,
            subject TEXT,
            value TEXT,
            speaker TEXT,
            valid_from INTEGER NOT NULL,
            valid_to INTEGER,
            recorded_at INTEGER NOT NULL,
            invalidated_at INTEGER,
            source_offsets TEXT NOT NULL,
            log_offset INTEGER,
            importance REAL NOT NULL,
            access_count INTEGER NOT NULL DEFAULT 0,
            last_accessed_at INTEGER,
            supersedes TEXT,
            superseded_by TEXT,
            vector BLOB);
        CREATE INDEX IF NOT EXISTS items_user ON items (tenant, user_id, valid_from);
        CREATE INDEX IF NOT EXISTS items_user_seq ON items (tenant, user_id, seq);
        CREATE INDEX IF NOT EXISTS items_subject ON items (tenant, user_id, subject) WHERE subject IS NOT NULL;
        CREATE INDEX IF NOT EXISTS items_session ON items (tenant, user_id, session_id, seq) WHERE kind = 0;
        CREATE INDEX IF NOT EXISTS items_log ON items (tenant, log_offset) WHERE log_offset IS NOT NULL;
        CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5 (terms, content = '', contentless_delete = 1);
        CREATE TABLE IF NOT EXISTS fts_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_through INTEGER NOT NULL);
        INSERT OR IGNORE INTO fts_state (id, indexed_through) VALUES (1, 0);
        CREATE TABLE IF NOT EXISTS fts_terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS history (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant TEXT NOT NULL,
            user_id TEXT NOT NULL,
            item_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            action INTEGER NOT NULL,
            text TEXT NOT NULL,
            valid_from INTEGER NOT NULL,
            valid_to INTEGER,
            related_id TEXT,
            reason TEXT);
        CREATE INDEX IF NOT EXISTS history_item ON history (tenant, item_id, seq);
        CREATE INDEX IF NOT EXISTS history_user ON history (tenant, user_id);
        CREATE TABLE IF NOT EXISTS quarantine (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant TEXT NOT NULL,
            user_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            extractor TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            error TEXT NOT NULL,
            output TEXT NOT NULL,
            source_offsets TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS quarantine_user ON quarantine (tenant, user_id, seq);
        CREATE TABLE IF NOT EXISTS audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            tenant TEXT NOT NULL,
            at INTEGER NOT NULL,
            action TEXT NOT NULL,
            subject_hash TEXT NOT NULL,
            through_offset INTEGER NOT NULL DEFAULT 0,
            detail TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS audit_subject ON audit (tenant, subject_hash);
        """;

    public const string ItemColumns =
        "seq, id, user_id, agent_id, session_id, kind, text, subject, value, speaker, valid_from, valid_to, recorded_at, " +
        "invalidated_at, source_offsets, importance, access_count, last_accessed_at, supersedes, superseded_by";
}
