using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Myelin.Memory.Internal;

/// <summary>Creates the memory schema, or brings a file written by an earlier version up to <see cref="MemorySchema.Version"/>.</summary>
internal static class MemoryMigrations
{
    public static void Apply(SqliteConnection connection)
    {
        long version = Scalar(connection, null, "PRAGMA user_version");
        if (version >= MemorySchema.Version)
        {
            return;
        }

        using SqliteTransaction tx = connection.BeginTransaction();
        if (version == 1)
        {
            // Version 1 indexed a scope column beside plain terms; the new terms are re-derived from the rows.
            Execute(connection, tx, "DROP TABLE items_fts");
        }

        // Creates fts_state at 0 for a version-1 file too, so FullTextIndexer re-indexes every item in the background.
        Execute(connection, tx, MemorySchema.Create);

        Execute(connection, tx, string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {MemorySchema.Version}"));
        tx.Commit();
    }

    private static long Scalar(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction tx, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
