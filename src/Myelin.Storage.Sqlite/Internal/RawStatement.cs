using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Myelin.Storage.Sqlite.Internal;

/// <summary>
/// A statement prepared once on a connection and driven through SQLite's C API: bind by position, step, reset.
/// </summary>
/// <remarks>
/// Used only on the append hot path, where <see cref="SqliteCommand"/>'s per-execution work (binding parameters by name,
/// creating a data reader) costs as much as SQLite's own insert. It runs inside whatever transaction the owning
/// connection has open, and must be disposed before that connection closes.
/// </remarks>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        int rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        Check(rc);
    }

    public void Bind(int position, long value) => Check(raw.sqlite3_bind_int64(_statement, position, value));

    public void Bind(int position, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, position) : raw.sqlite3_bind_text(_statement, position, value));

    /// <summary>Runs the statement to completion and resets it for the next row (bindings are kept).</summary>
    /// <returns>The rows it inserted, updated or deleted (0 for a query, or an insert its conflict clause skipped).</returns>
    public int Execute()
    {
        int rc = raw.sqlite3_step(_statement);
        int reset = raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc == raw.SQLITE_ROW ? reset : rc);
        }

        return raw.sqlite3_changes(_db);
    }

    /// <summary>Runs a query for one integer column and resets the statement; false when it returns no row.</summary>
    public bool TryQueryInt64(out long value)
    {
        int rc = raw.sqlite3_step(_statement);
        value = rc == raw.SQLITE_ROW ? raw.sqlite3_column_int64(_statement, 0) : 0;
        int reset = raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_ROW)
        {
            Check(rc);
        }

        Check(reset);
        return rc == raw.SQLITE_ROW;
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK && rc != raw.SQLITE_DONE)
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
        }
    }
}
