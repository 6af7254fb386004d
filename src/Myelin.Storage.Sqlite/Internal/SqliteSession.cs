using Microsoft.Data.Sqlite;

namespace Myelin.Storage.Sqlite.Internal;

/// <summary>One open connection with its prepared commands, used by one operation at a time.</summary>
/// <remarks>Reusing a <see cref="SqliteCommand"/> keeps its compiled statement, which saves most of the per-call cost.</remarks>
internal sealed class SqliteSession : IDisposable
{
    private const int MaxCachedCommands = 128;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RawStatement> _statements = new(StringComparer.Ordinal);

    public SqliteSession(SqliteConnection connection)
    {
        Connection = connection;
    }

    public SqliteConnection Connection { get; }

    public SqliteTransaction? Transaction { get; private set; }

    /// <summary>A cached command for <paramref name="sql"/> with its parameters cleared and the current transaction set.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out SqliteCommand? command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            if (_commands.Count < MaxCachedCommands)
            {
                _commands.Add(sql, command);
            }
        }

        command.Parameters.Clear();
        command.Transaction = Transaction;
        return command;
    }

    /// <summary>A cached command whose parameters the caller created once and keeps (for hot loops).</summary>
    public SqliteCommand PreparedCommand(string sql, Action<SqliteParameterCollection> addParameters)
    {
        if (!_commands.TryGetValue(sql, out SqliteCommand? command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            addParameters(command.Parameters);
            _commands.Add(sql, command);
        }

        command.Transaction = Transaction;
        return command;
    }

    /// <summary>A cached statement driven through SQLite's C API, for the hottest loops (see <see cref="RawStatement"/>).</summary>
    public RawStatement Statement(string sql)
    {
        if (!_statements.TryGetValue(sql, out RawStatement? statement))
        {
            statement = new RawStatement(Connection, sql);
            _statements.Add(sql, statement);
        }

        return statement;
    }

    /// <summary>Starts a write transaction that takes the database lock immediately (<c>BEGIN IMMEDIATE</c>).</summary>
    public SqliteTransaction Begin()
    {
        Transaction = Connection.BeginTransaction(deferred: false);
        return Transaction;
    }

    /// <summary>Commits the current transaction.</summary>
    public void Commit()
    {
        Transaction!.Commit();
        EndTransaction();
    }

    /// <summary>Forgets the current transaction (after commit, or when it is disposed and rolled back).</summary>
    public void EndTransaction()
    {
        Transaction?.Dispose();
        Transaction = null;
    }

    public void Dispose()
    {
        EndTransaction();
        foreach (SqliteCommand command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        foreach (RawStatement statement in _statements.Values)
        {
            statement.Dispose();
        }

        _statements.Clear();
        Connection.Dispose();
    }
}
