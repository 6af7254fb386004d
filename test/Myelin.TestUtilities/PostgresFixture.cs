using Npgsql;

namespace Myelin.TestUtilities;

/// <summary>One throwaway PostgreSQL cluster for a test collection (an xunit collection fixture); each store gets its own schema.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresCluster? _cluster;
    private NpgsqlDataSource? _admin;

    public PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public async Task InitializeAsync()
    {
        _cluster = await PostgresCluster.StartAsync();
        _admin = NpgsqlDataSource.Create(_cluster.ConnectionString());
    }

    public async Task DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>Creates an empty schema and returns a connection string whose search path points at it.</summary>
    public async Task<string> CreateSchemaAsync()
    {
        string schema = "t_" + Guid.NewGuid().ToString("N");
        await using NpgsqlCommand create = _admin!.CreateCommand($"CREATE SCHEMA {schema}");
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(Cluster.ConnectionString()) { SearchPath = schema }.ConnectionString;
    }

    /// <summary>Runs a scalar query as the superuser (tests inspect stored rows with it).</summary>
    public async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using NpgsqlDataSource source = NpgsqlDataSource.Create(connectionString);
        await using NpgsqlCommand command = source.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }
}
