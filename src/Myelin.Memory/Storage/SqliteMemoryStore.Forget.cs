using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Memory.Internal;

namespace Myelin.Memory.Storage;

/// <content>Quarantine and forgetting a user.</content>
public sealed partial class SqliteMemoryStore
{
    private const int MaxQuarantinedChars = 16 * 1024;

    /// <inheritdoc />
    public Task AddQuarantineAsync(TenantId tenant, QuarantinedOutput output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        return _db.WriteAsync(
            c =>
            {
                using SqliteCommand insert = c.CreateCommand();
                insert.CommandText = """
                    INSERT INTO quarantine (tenant, user_id, at, extractor, attempts, error, output, source_offsets)
                    VALUES ($tenant, $user, $at, $extractor, $attempts, $error, $output, $offsets)
                    """;
                insert.Parameters.AddWithValue("$tenant", tenant.Value);
                insert.Parameters.AddWithValue("$user", output.UserId);
                insert.Parameters.AddWithValue("$at", UnixMicros.From(output.At));
                insert.Parameters.AddWithValue("$extractor", output.Extractor);
                insert.Parameters.AddWithValue("$attempts", output.Attempts);
                insert.Parameters.AddWithValue("$error", output.Error);
                insert.Parameters.AddWithValue(
                    "$output", output.Output.Length > MaxQuarantinedChars ? output.Output[..MaxQuarantinedChars] : output.Output);
                insert.Parameters.AddWithValue("$offsets", ItemRows.FormatOffsets(output.SourceOffsets));
                return insert.ExecuteNonQuery();
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QuarantinedOutput>> ListQuarantineAsync(
        TenantId tenant, string? userId, int limit, CancellationToken cancellationToken = default)
    {
        return _db.ReadAsync<IReadOnlyList<QuarantinedOutput>>(
            c =>
            {
                using SqliteCommand select = c.CreateCommand();
                select.CommandText = "SELECT user_id, at, extractor, attempts, error, output, source_offsets FROM quarantine " +
                    "WHERE tenant = $tenant AND ($user IS NULL OR user_id = $user) ORDER BY seq DESC LIMIT $limit";
                select.Parameters.AddWithValue("$tenant", tenant.Value);
                select.Parameters.AddWithValue("$user", (object?)userId ?? DBNull.Value);
                select.Parameters.AddWithValue("$limit", Math.Max(0, limit));
                var outputs = new List<QuarantinedOutput>();
                using SqliteDataReader r = select.ExecuteReader();
                while (r.Read())
                {
                    outputs.Add(new QuarantinedOutput(
                        r.GetString(0), UnixMicros.To(r.GetInt64(1)), r.GetString(2), r.GetInt32(3), r.GetString(4), r.GetString(5),
                        ItemRows.ParseOffsets(r.GetString(6))));
                }

                return outputs;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>After the deletes the FTS index is optimised (rewritten without the removed rows) and the WAL is
    /// checkpointed and truncated; with <c>secure_delete</c> on, freed pages are zeroed, so the user's text does not
    /// remain anywhere in the database files. This rewrites the whole index, so it is slow on a large store.</remarks>
    public async Task<ForgetResult> ForgetUserAsync(
        TenantId tenant, string userId, DateTimeOffset at, long throughLogOffset, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentOutOfRangeException.ThrowIfNegative(throughLogOffset);
        string auditId = "aud_" + Guid.NewGuid().ToString("N");
        string hash = SubjectHash(tenant, userId);
        return await _db.WriteAsync(
            c =>
            {
                long items, history, quarantine;
                var offsets = new SortedSet<long>();
                using (SqliteTransaction tx = c.BeginTransaction())
                {
                    using (SqliteCommand sources = c.CreateCommand())
                    {
                        sources.Transaction = tx;
                        sources.CommandText = "SELECT source_offsets FROM items WHERE tenant = $tenant AND user_id = $user " +
                            "UNION ALL SELECT source_offsets FROM quarantine WHERE tenant = $tenant AND user_id = $user";
                        sources.Parameters.AddWithValue("$tenant", tenant.Value);
                        sources.Parameters.AddWithValue("$user", userId);
                        using SqliteDataReader r = sources.ExecuteReader();
                        while (r.Read())
                        {
                            offsets.UnionWith(ItemRows.ParseOffsets(r.GetString(0)));
                        }
                    }

                    // Items above the indexer's mark have no index rows yet, and once deleted they never get any.
                    Execute(c, tx, tenant, userId, "DELETE FROM items_fts WHERE rowid IN (SELECT seq FROM items WHERE tenant = $tenant AND user_id = $user " +
                        "AND seq <= (SELECT indexed_through FROM fts_state WHERE id = 1))");
                    using (SqliteCommand terms = c.CreateCommand())
                    {
                        // The user's term counts share the user's token as a prefix; token + U+10FFFF bounds them (it sorts
                        // after every character in UTF-8 and is no letter or digit, so no term holds it).
                        terms.Transaction = tx;
                        terms.CommandText = "DELETE FROM fts_terms WHERE term >= $scope AND term < $scope || char(1114111)";
                        terms.Parameters.AddWithValue("$scope", FullTextTerms.ScopeToken(tenant, userId));
                        terms.ExecuteNonQuery();
                    }

                    items = Execute(c, tx, tenant, userId, "DELETE FROM items WHERE tenant = $tenant AND user_id = $user");
                    history = Execute(c, tx, tenant, userId, "DELETE FROM history WHERE tenant = $tenant AND user_id = $user");
                    quarantine = Execute(c, tx, tenant, userId, "DELETE FROM quarantine WHERE tenant = $tenant AND user_id = $user");
                    using SqliteCommand audit = c.CreateCommand();
                    audit.Transaction = tx;
                    audit.CommandText = "INSERT INTO audit (id, tenant, at, action, subject_hash, through_offset, detail) " +
                        "VALUES ($id, $tenant, $at, 'forget_user', $hash, $through, $detail)";
                    audit.Parameters.AddWithValue("$through", throughLogOffset);
                    audit.Parameters.AddWithValue("$id", auditId);
                    audit.Parameters.AddWithValue("$tenant", tenant.Value);
                    audit.Parameters.AddWithValue("$at", UnixMicros.From(at));
                    audit.Parameters.AddWithValue("$hash", hash);
                    audit.Parameters.AddWithValue(
                        "$detail",
                        string.Create(CultureInfo.InvariantCulture, $"items={items} history={history} quarantine={quarantine}"));
                    audit.ExecuteNonQuery();
                    tx.Commit();
                }

                using SqliteCommand compact = c.CreateCommand();
                compact.CommandText = "INSERT INTO items_fts (items_fts) VALUES ('optimize'); PRAGMA wal_checkpoint(TRUNCATE);";
                compact.ExecuteNonQuery();
                return new ForgetResult(items, history, quarantine, auditId) { LogOffsets = [.. offsets] };
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<long> GetForgottenThroughAsync(TenantId tenant, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return _db.ReadAsync(
            c =>
            {
                using SqliteCommand select = c.CreateCommand();
                select.CommandText = "SELECT COALESCE(MAX(through_offset), 0) FROM audit " +
                    "WHERE tenant = $tenant AND subject_hash = $hash AND action = 'forget_user'";
                select.Parameters.AddWithValue("$tenant", tenant.Value);
                select.Parameters.AddWithValue("$hash", SubjectHash(tenant, userId));
                return (long)select.ExecuteScalar()!;
            },
            cancellationToken);
    }

    private static string SubjectHash(TenantId tenant, string userId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenant.Value + "\n" + userId)));

    private static long Execute(SqliteConnection c, SqliteTransaction tx, TenantId tenant, string userId, string sql)
    {
        using SqliteCommand command = c.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$user", userId);
        return command.ExecuteNonQuery();
    }
}
