using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Myelin.Core;
using Myelin.Memory.Internal;
using Npgsql;

namespace Myelin.Memory.Postgres;

/// <content>Quarantine and forgetting a user.</content>
public sealed partial class PostgresMemoryStore
{
    /// <inheritdoc />
    public async Task AddQuarantineAsync(TenantId tenant, QuarantinedOutput output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        using NpgsqlCommand insert = Command(
            """
            INSERT INTO memory_quarantine (tenant, user_id, at, extractor, attempts, error, output, source_offsets)
            VALUES (@tenant, @user, @at, @extractor, @attempts, @error, @output, @offsets)
            """,
            tenant);
        insert.Parameters.AddWithValue("user", output.UserId);
        insert.Parameters.AddWithValue("at", UnixMicros.From(output.At));
        insert.Parameters.AddWithValue("extractor", output.Extractor);
        insert.Parameters.AddWithValue("attempts", output.Attempts);
        insert.Parameters.AddWithValue("error", output.Error);
        insert.Parameters.AddWithValue(
            "output", output.Output.Length > MaxQuarantinedChars ? output.Output[..MaxQuarantinedChars] : output.Output);
        insert.Parameters.AddWithValue("offsets", ItemRows.FormatOffsets(output.SourceOffsets));
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QuarantinedOutput>> ListQuarantineAsync(
        TenantId tenant, string? userId, int limit, CancellationToken cancellationToken = default)
    {
        using NpgsqlCommand select = Command(
            "SELECT user_id, at, extractor, attempts, error, output, source_offsets FROM memory_quarantine " +
            "WHERE tenant = @tenant AND (@user::text IS NULL OR user_id = @user) ORDER BY seq DESC LIMIT @limit",
            tenant);
        select.Parameters.AddWithValue("user", NpgsqlTypes.NpgsqlDbType.Text, (object?)userId ?? DBNull.Value);
        select.Parameters.AddWithValue("limit", Math.Max(0, limit));
        var outputs = new List<QuarantinedOutput>();
        NpgsqlDataReader r = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (r.ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                outputs.Add(new QuarantinedOutput(
                    r.GetString(0), UnixMicros.To(r.GetInt64(1)), r.GetString(2), r.GetInt32(3), r.GetString(4), r.GetString(5),
                    ItemRows.ParseOffsets(r.GetString(6))));
            }
        }

        return outputs;
    }

    /// <inheritdoc />
    /// <remarks>One transaction deletes the user's items (with their terms and vectors), history and quarantined
    /// outputs and writes the audit record. The deleted row versions leave the data files when PostgreSQL vacuums.</remarks>
    public Task<ForgetResult> ForgetUserAsync(
        TenantId tenant, string userId, DateTimeOffset at, long throughLogOffset, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentOutOfRangeException.ThrowIfNegative(throughLogOffset);
        string auditId = "aud_" + Guid.NewGuid().ToString("N");
        return InTransactionAsync(
            async (c, tx) =>
            {
                var offsets = new SortedSet<long>();
                using (var sources = new NpgsqlCommand(
                    "SELECT source_offsets FROM memory_items WHERE tenant = @tenant AND user_id = @user " +
                    "UNION ALL SELECT source_offsets FROM memory_quarantine WHERE tenant = @tenant AND user_id = @user",
                    c,
                    tx))
                {
                    sources.Parameters.AddWithValue("tenant", tenant.Value);
                    sources.Parameters.AddWithValue("user", userId);
                    NpgsqlDataReader r = await sources.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (r.ConfigureAwait(false))
                    {
                        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            offsets.UnionWith(ItemRows.ParseOffsets(r.GetString(0)));
                        }
                    }
                }

                long items = await DeleteAsync(c, tx, tenant, userId, "memory_items", cancellationToken).ConfigureAwait(false);
                long history = await DeleteAsync(c, tx, tenant, userId, "memory_history", cancellationToken).ConfigureAwait(false);
                long quarantine = await DeleteAsync(c, tx, tenant, userId, "memory_quarantine", cancellationToken).ConfigureAwait(false);
                using (var audit = new NpgsqlCommand(
                    "INSERT INTO memory_audit (id, tenant, at, action, subject_hash, through_offset, detail) " +
                    "VALUES (@id, @tenant, @at, 'forget_user', @hash, @through, @detail)",
                    c,
                    tx))
                {
                    audit.Parameters.AddWithValue("id", auditId);
                    audit.Parameters.AddWithValue("tenant", tenant.Value);
                    audit.Parameters.AddWithValue("at", UnixMicros.From(at));
                    audit.Parameters.AddWithValue("hash", SubjectHash(tenant, userId));
                    audit.Parameters.AddWithValue("through", throughLogOffset);
                    audit.Parameters.AddWithValue(
                        "detail", string.Create(CultureInfo.InvariantCulture, $"items={items} history={history} quarantine={quarantine}"));
                    await audit.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return new ForgetResult(items, history, quarantine, auditId) { LogOffsets = [.. offsets] };
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> GetForgottenThroughAsync(TenantId tenant, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        using NpgsqlCommand select = Command(
            "SELECT COALESCE(MAX(through_offset), 0) FROM memory_audit " +
            "WHERE tenant = @tenant AND subject_hash = @hash AND action = 'forget_user'",
            tenant);
        select.Parameters.AddWithValue("hash", SubjectHash(tenant, userId));
        return (long)(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    // The same hash as the SQLite store's, so audit records compare across providers.
    private static string SubjectHash(TenantId tenant, string userId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenant.Value + "\n" + userId)));

    private static async Task<long> DeleteAsync(
        NpgsqlConnection c, NpgsqlTransaction tx, TenantId tenant, string userId, string table, CancellationToken cancellationToken)
    {
        using var delete = new NpgsqlCommand($"DELETE FROM {table} WHERE tenant = @tenant AND user_id = @user", c, tx);
        delete.Parameters.AddWithValue("tenant", tenant.Value);
        delete.Parameters.AddWithValue("user", userId);
        return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
