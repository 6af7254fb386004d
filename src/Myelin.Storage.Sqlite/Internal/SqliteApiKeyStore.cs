using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Core.Tenancy;

namespace Myelin.Storage.Sqlite.Internal;

/// <summary>API keys on SQLite: only the SHA-256 of a key is stored, under a unique index used to authenticate.</summary>
internal sealed class SqliteApiKeyStore : IApiKeyStore
{
    private const string InfoColumns = "key_id, tenant, name, role, created_at, revoked_at";

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteApiKeyStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    public Task<CreatedApiKey> CreateAsync(TenantId tenant, string name, Role role, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        StoreGuard.Name(name, nameof(name));
        StoreGuard.Role(role);
        string secret = ApiKeyFormat.Generate();
        var info = new ApiKeyInfo(ApiKeyFormat.NewKeyId(), tenant, name, role, Now(), RevokedAt: null);
        return _database.WriteAsync(
            session =>
            {
                session.Begin();
                RequireTenant(session, tenantId);
                Insert(session, info, ApiKeyFormat.Hash(secret));
                session.Commit();
                return new CreatedApiKey(info, secret);
            },
            cancellationToken);
    }

    public Task<ApiKeyInfo> ImportAsync(TenantId tenant, string name, Role role, string fullKey, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
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
        return _database.WriteAsync(
            session =>
            {
                session.Begin();
                RequireTenant(session, tenantId);
                var find = session.Command($"SELECT {InfoColumns} FROM api_keys WHERE key_hash = @hash");
                find.Parameters.AddWithValue("@hash", hash);
                using (SqliteDataReader reader = find.ExecuteReader())
                {
                    if (reader.Read())
                    {
                        ApiKeyInfo existing = ReadInfo(reader);
                        if (existing.Tenant != tenant)
                        {
                            throw new MyelinConflictException("key_exists", "This key is already registered to another tenant; choose a different key.");
                        }

                        return existing;
                    }
                }

                Insert(session, info, hash);
                session.Commit();
                return info;
            },
            cancellationToken);
    }

    public Task<Principal?> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken = default)
    {
        if (!ApiKeyFormat.IsWellFormed(presentedKey))
        {
            return Task.FromResult<Principal?>(null);
        }

        string hash = ApiKeyFormat.Hash(presentedKey);
        return _database.ReadAsync(
            session =>
            {
                var find = session.Command("SELECT tenant, role, key_id FROM api_keys WHERE key_hash = @hash AND revoked_at IS NULL");
                find.Parameters.AddWithValue("@hash", hash);
                using SqliteDataReader reader = find.ExecuteReader();
                return reader.Read()
                    ? new Principal(new TenantId(reader.GetString(0)), (Role)reader.GetInt32(1), reader.GetString(2))
                    : null;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<ApiKeyInfo>> ListAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        return _database.ReadAsync<IReadOnlyList<ApiKeyInfo>>(
            session =>
            {
                var list = session.Command($"SELECT {InfoColumns} FROM api_keys WHERE tenant = @tenant ORDER BY created_at DESC, rowid DESC");
                list.Parameters.AddWithValue("@tenant", tenantId);
                var keys = new List<ApiKeyInfo>();
                using SqliteDataReader reader = list.ExecuteReader();
                while (reader.Read())
                {
                    keys.Add(ReadInfo(reader));
                }

                return keys;
            },
            cancellationToken);
    }

    public Task<bool> RevokeAsync(TenantId tenant, string keyId, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(tenant);
        if (string.IsNullOrEmpty(keyId))
        {
            throw new MyelinValidationException("invalid_key_id", "A key id is required.");
        }

        long now = UnixMicros.From(_time.GetUtcNow());
        return _database.WriteAsync(
            session =>
            {
                var revoke = session.Command(
                    "UPDATE api_keys SET revoked_at = @now WHERE tenant = @tenant AND key_id = @key_id AND revoked_at IS NULL");
                revoke.Parameters.AddWithValue("@now", now);
                revoke.Parameters.AddWithValue("@tenant", tenantId);
                revoke.Parameters.AddWithValue("@key_id", keyId);
                return revoke.ExecuteNonQuery() == 1;
            },
            cancellationToken);
    }

    private DateTimeOffset Now() => UnixMicros.To(UnixMicros.From(_time.GetUtcNow()));

    private static void RequireTenant(SqliteSession session, string tenantId)
    {
        if (!SqliteTenantStore.Exists(session, tenantId))
        {
            throw new MyelinNotFoundException("tenant_not_found", $"Tenant '{tenantId}' does not exist; create it first.");
        }
    }

    private static void Insert(SqliteSession session, ApiKeyInfo info, string hash)
    {
        var insert = session.Command("""
            INSERT INTO api_keys (tenant, key_id, name, role, key_hash, created_at)
            VALUES (@tenant, @key_id, @name, @role, @hash, @created_at)
            """);
        insert.Parameters.AddWithValue("@tenant", info.Tenant.Value);
        insert.Parameters.AddWithValue("@key_id", info.KeyId);
        insert.Parameters.AddWithValue("@name", info.Name);
        insert.Parameters.AddWithValue("@role", (int)info.Role);
        insert.Parameters.AddWithValue("@hash", hash);
        insert.Parameters.AddWithValue("@created_at", UnixMicros.From(info.CreatedAt));
        insert.ExecuteNonQuery();
    }

    private static ApiKeyInfo ReadInfo(SqliteDataReader reader) => new(
        reader.GetString(0),
        new TenantId(reader.GetString(1)),
        reader.GetString(2),
        (Role)reader.GetInt32(3),
        UnixMicros.To(reader.GetInt64(4)),
        reader.IsDBNull(5) ? null : UnixMicros.To(reader.GetInt64(5)));
}
