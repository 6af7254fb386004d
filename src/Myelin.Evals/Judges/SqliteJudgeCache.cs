using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Evals.Internal;

namespace Myelin.Evals.Judges;

/// <summary>The judge-response cache in the room's database (<c>{data}/evals.db</c>, table <c>judge_cache</c>).</summary>
/// <remarks>Thread-safe: writes are serialised on one connection, each read opens its own.</remarks>
public sealed class SqliteJudgeCache : IJudgeCache, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS judge_cache (
            tenant TEXT NOT NULL, template_id TEXT NOT NULL, template_version INTEGER NOT NULL, model_id TEXT NOT NULL,
            request_hash TEXT NOT NULL, response TEXT NOT NULL, created_us INTEGER NOT NULL,
            PRIMARY KEY (tenant, template_id, template_version, model_id, request_hash)) WITHOUT ROWID;
        """;

    private readonly EvalsDatabase _db;
    private readonly TimeProvider _time;

    private SqliteJudgeCache(EvalsDatabase db, TimeProvider time)
    {
        _db = db;
        _time = time;
    }

    /// <summary>Opens (creating when missing) the cache in <c>evals.db</c> under <paramref name="dataDirectory"/>.</summary>
    public static SqliteJudgeCache Open(string dataDirectory, TimeProvider? time = null) =>
        new(EvalsDatabase.Open(dataDirectory, Schema), time ?? TimeProvider.System);

    /// <inheritdoc />
    public async Task<string?> GetAsync(TenantId tenant, JudgeCacheKey key, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(key);
        SqliteConnection connection = _db.OpenReader();
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        using SqliteCommand command = Command(connection, null, tenantId, key,
            "SELECT response FROM judge_cache WHERE tenant = @t AND template_id = @id AND template_version = @v AND model_id = @m AND request_hash = @h");
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <inheritdoc />
    public Task SetAsync(TenantId tenant, JudgeCacheKey key, string response, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(response);
        long now = EvalsDatabase.Micros(_time.GetUtcNow());
        return _db.WriteAsync((connection, transaction) =>
        {
            using SqliteCommand command = Command(connection, transaction, tenantId, key, """
                INSERT OR IGNORE INTO judge_cache (tenant, template_id, template_version, model_id, request_hash, response, created_us)
                VALUES (@t, @id, @v, @m, @h, @r, @c)
                """);
            command.Parameters.AddWithValue("@r", response);
            command.Parameters.AddWithValue("@c", now);
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string tenantId, JudgeCacheKey key, string sql)
    {
        SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("@t", tenantId);
        command.Parameters.AddWithValue("@id", key.TemplateId);
        command.Parameters.AddWithValue("@v", key.TemplateVersion);
        command.Parameters.AddWithValue("@m", key.ModelId);
        command.Parameters.AddWithValue("@h", key.RequestHash);
        return command;
    }
}
