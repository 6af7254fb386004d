using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Core.Tenancy;
using Npgsql;

namespace Myelin.Storage.Postgres.Internal;

/// <summary>API keys on PostgreSQL: only the SHA-256 of a key is stored, under a unique index used to authenticate.</summary>
internal sealed class PostgresApiKeyStore : IApiKeyStore
{
    private const string InfoColumns = "key_id, tenant, name, role, created_at, revoked_at";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;

    public PostgresApiKeyStore(NpgsqlDataSource dataSource, TimeProvider time)
    {
        _dataSource = dataSource;
        _time = time;
    }

    public async Task<CreatedApiKey> CreateAsync(TenantId tenant, string name, Role role, CancellationToken cancellationToken = default)
    {
        StoreGuard.Tenant(tenant);
        StoreGuard.Name(name, nameof(name));
        StoreGuard.Role(role);
        string secret = ApiKeyFormat.Generate();
        var info = new ApiKeyInfo(ApiKeyFormat.NewKeyId(), tenant, name, role, Now(), RevokedAt: null);
        if (!await InsertAsync(info, ApiKeyFormat.Hash(secret), cancellationToken).ConfigureAwait(false))
        {
            throw new MyelinConflictException("key_exists", "A key with the same id already exists; try again.");
        }

        return new CreatedApiKey(info, secret);
    }

    public async Task<ApiKeyInfo> ImportAsync(TenantId tenant, string name, Role role, string fullKey, CancellationToken cancellationToken = default)
    {
        StoreGuard.Tenant(tenant);
        StoreGuard.Name(name, nameof(name));
        StoreGuard.Role(role);
        if (!ApiKeyFormat.IsWellFormed(fullKey))
        {
            throw new MyelinValidationException(
                "invalid_key",
                $"An imported key must be {ApiKeyFormat.MinLength}-{ApiKeyFormat.MaxLength} printable ASCII characters without spaces.");
        }

        string hash = ApiKeyFormat.Hash(fullKey);
        var info = new ApiKeyInfo(ApiKeyFormat.ImportedKeyId(fullKey), tenant, name, role, Now(), RevokedAt: null);
        if (await InsertAsync(info, hash, cancellationToken).ConfigureAwait(false))
        {
            return info;
        }

        using NpgsqlCommand find = _dataSource.CreateCommand($"SELECT {InfoColumns} FROM api_keys WHERE key_hash = @hash");
        find.Parameters.AddWithValue("hash", hash);
        NpgsqlDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new MyelinConflictException("key_exists", "A key with the same id already exists in this tenant; choose a different key.");
        }

        ApiKeyInfo existing = ReadInfo(reader);
        if (existing.Tenant != tenant)
        {
            throw new MyelinConflictException("key_exists", "This key is already registered to another tenant; choose a different key.");
        }

        return existing;
    }

    public async Task<Principal?> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken = default)
    {
        if (!ApiKeyFormat.IsWellFormed(presentedKey))
        {
            return null;
        }

        using NpgsqlCommand find = _dataSource.CreateCommand(
            "SELECT tenant, role, key_id FROM api_keys WHERE key_hash = @hash AND revoked_at IS NULL");
        find.Parameters.AddWithValue("hash", ApiKeyFormat.Hash(presentedKey));
        NpgsqlDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new Principal(new TenantId(reader.GetString(0)), (Role)reader.GetInt32(1), reader.GetString(2))
            : null;
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        using NpgsqlCommand list = _dataSource.CreateCommand(
            $"SELECT {InfoColumns} FROM api_keys WHERE tenant = @tenant ORDER BY created_at DESC, seq DESC");
        list.Parameters.AddWithValue("tenant", tenantId);
        NpgsqlDataReader reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        var keys = new List<ApiKeyInfo>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(ReadInfo(reader));
        }

        return keys;
    }

    public async Task<bool> RevokeAsync(TenantId tenant, string keyId, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        if (string.IsNullOrEmpty(keyId))
        {
            throw new MyelinValidationException("invalid_key_id", "A key id is required.");
        }

        using NpgsqlCommand revoke = _dataSource.CreateCommand(
            "UPDATE api_keys SET revoked_at = @now WHERE tenant = @tenant AND key_id = @key_id AND revoked_at IS NULL");
        revoke.Parameters.AddWithValue("now", UnixMicros.From(_time.GetUtcNow()));
        revoke.Parameters.AddWithValue("tenant", tenantId);
        revoke.Parameters.AddWithValue("key_id", keyId);
        return await revoke.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private DateTimeOffset Now() => UnixMicros.To(UnixMicros.From(_time.GetUtcNow()));

    /// <summary>Inserts the key when its tenant exists and neither its hash nor its id is taken; returns whether it did.</summary>
    /// <exception cref="MyelinNotFoundException">The tenant does not exist.</exception>
    private async Task<bool> InsertAsync(ApiKeyInfo info, string hash, CancellationToken cancellationToken)
    {
        using NpgsqlCommand insert = _dataSource.CreateCommand("""
            WITH t AS (SELECT id FROM tenants WHERE id = @tenant),
                 ins AS (
                    INSERT INTO api_keys (tenant, key_id, name, role, key_hash, created_at)
                    SELECT @tenant, @key_id, @name, @role, @hash, @created_at FROM t
                    ON CONFLICT DO NOTHING
                    RETURNING 1)
            SELECT (SELECT COUNT(*) FROM t), (SELECT COUNT(*) FROM ins)
            """);
        insert.Parameters.AddWithValue("tenant", info.Tenant.Value);
        insert.Parameters.AddWithValue("key_id", info.KeyId);
        insert.Parameters.AddWithValue("name", info.Name);
        insert.Parameters.AddWithValue("role", (int)info.Role);
        insert.Parameters.AddWithValue("hash", hash);
        insert.Parameters.AddWithValue("created_at", UnixMicros.From(info.CreatedAt));
        NpgsqlDataReader reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (reader.GetInt64(0) == 0)
        {
            throw new MyelinNotFoundException("tenant_not_found", $"Tenant '{info.Tenant}' does not exist; create it first.");
        }

        return reader.GetInt64(1) == 1;
    }

    private static ApiKeyInfo ReadInfo(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        new TenantId(reader.GetString(1)),
        reader.GetString(2),
        (Role)reader.GetInt32(3),
        UnixMicros.To(reader.GetInt64(4)),
        reader.IsDBNull(5) ? null : UnixMicros.To(reader.GetInt64(5)));
}
