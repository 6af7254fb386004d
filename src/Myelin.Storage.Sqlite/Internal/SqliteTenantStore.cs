using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Core.Tenancy;

namespace Myelin.Storage.Sqlite.Internal;

/// <summary>Tenants on SQLite.</summary>
internal sealed class SqliteTenantStore : ITenantStore
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteTenantStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    public Task<Tenant> CreateAsync(TenantId id, string displayName, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(id);
        StoreGuard.Name(displayName, nameof(displayName));
        DateTimeOffset now = _time.GetUtcNow();
        long nowMicros = UnixMicros.From(now);
        return _database.WriteAsync(
            session =>
            {
                if (!Insert(session, tenantId, displayName, nowMicros))
                {
                    throw new MyelinConflictException("tenant_exists", $"Tenant '{tenantId}' already exists.");
                }

                return new Tenant(id, displayName, UnixMicros.To(nowMicros));
            },
            cancellationToken);
    }

    public Task<Tenant?> GetAsync(TenantId id, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(id);
        return _database.ReadAsync(
            session =>
            {
                var command = session.Command("SELECT id, display_name, created_at FROM tenants WHERE id = @tenant");
                command.Parameters.AddWithValue("@tenant", tenantId);
                using SqliteDataReader reader = command.ExecuteReader();
                return reader.Read() ? ReadTenant(reader) : null;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken = default) =>
        _database.ReadAsync<IReadOnlyList<Tenant>>(
            session =>
            {
                var tenants = new List<Tenant>();
                using SqliteDataReader reader = session.Command("SELECT id, display_name, created_at FROM tenants ORDER BY id").ExecuteReader();
                while (reader.Read())
                {
                    tenants.Add(ReadTenant(reader));
                }

                return tenants;
            },
            cancellationToken);

    /// <summary>Inserts a tenant unless it exists; returns whether it was inserted.</summary>
    internal static bool Insert(SqliteSession session, string tenantId, string displayName, long nowMicros)
    {
        var command = session.Command("INSERT INTO tenants (id, display_name, created_at) VALUES (@id, @name, @now) ON CONFLICT (id) DO NOTHING");
        command.Parameters.AddWithValue("@id", tenantId);
        command.Parameters.AddWithValue("@name", displayName);
        command.Parameters.AddWithValue("@now", nowMicros);
        return command.ExecuteNonQuery() == 1;
    }

    internal static bool Exists(SqliteSession session, string tenantId)
    {
        var command = session.Command("SELECT 1 FROM tenants WHERE id = @tenant");
        command.Parameters.AddWithValue("@tenant", tenantId);
        return command.ExecuteScalar() is not null;
    }

    private static Tenant ReadTenant(SqliteDataReader reader) =>
        new(new TenantId(reader.GetString(0)), reader.GetString(1), UnixMicros.To(reader.GetInt64(2)));
}
