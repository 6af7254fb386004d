using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Core.Tenancy;
using Npgsql;

namespace Myelin.Storage.Postgres.Internal;

/// <summary>Tenants on PostgreSQL.</summary>
internal sealed class PostgresTenantStore : ITenantStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;

    public PostgresTenantStore(NpgsqlDataSource dataSource, TimeProvider time)
    {
        _dataSource = dataSource;
        _time = time;
    }

    public async Task<Tenant> CreateAsync(TenantId id, string displayName, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(id);
        StoreGuard.Name(displayName, nameof(displayName));
        long now = UnixMicros.From(_time.GetUtcNow());
        using NpgsqlCommand insert = _dataSource.CreateCommand(
            "INSERT INTO tenants (id, display_name, created_at) VALUES (@id, @name, @now) ON CONFLICT (id) DO NOTHING");
        insert.Parameters.AddWithValue("id", tenantId);
        insert.Parameters.AddWithValue("name", displayName);
        insert.Parameters.AddWithValue("now", now);
        if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new MyelinConflictException("tenant_exists", $"Tenant '{tenantId}' already exists.");
        }

        return new Tenant(id, displayName, UnixMicros.To(now));
    }

    public async Task<Tenant?> GetAsync(TenantId id, CancellationToken cancellationToken = default)
    {
        string tenantId = StoreGuard.Tenant(id);
        using NpgsqlCommand select = _dataSource.CreateCommand("SELECT id, display_name, created_at FROM tenants WHERE id = @id");
        select.Parameters.AddWithValue("id", tenantId);
        NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken = default)
    {
        using NpgsqlCommand select = _dataSource.CreateCommand("SELECT id, display_name, created_at FROM tenants ORDER BY id");
        NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        var tenants = new List<Tenant>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tenants.Add(Read(reader));
        }

        return tenants;
    }

    private static Tenant Read(NpgsqlDataReader reader) =>
        new(new TenantId(reader.GetString(0)), reader.GetString(1), UnixMicros.To(reader.GetInt64(2)));
}
