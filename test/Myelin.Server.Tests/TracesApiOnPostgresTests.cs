using Myelin.TestUtilities;
using Npgsql;

namespace Myelin.Server;

/// <summary>The traces API tests with <c>--postgres</c>: the log and the trace index both on PostgreSQL.</summary>
public sealed class TracesApiOnPostgresTests : TracesApiTests
{
    private PostgresCluster? _cluster;

    [Fact]
    public async Task The_trace_index_lives_in_postgres()
    {
        (string reader, string writer, _) = await Server.CreateTenantAsync("traces-pg");
        await ExportAsync(writer);
        await Server.Client(reader).GetStringAsync("/api/traces");
        await using NpgsqlDataSource database = NpgsqlDataSource.Create(_cluster!.ConnectionString());
        await using NpgsqlCommand count = database.CreateCommand("SELECT count(*) FROM evals.traces WHERE tenant = 'traces-pg'");
        Assert.Equal(2L, await count.ExecuteScalarAsync());
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    protected override async Task<ServerHarness> StartServerAsync()
    {
        _cluster = await PostgresCluster.StartAsync();
        return await ServerHarness.StartAsync(o => o.PostgresConnectionString = _cluster.ConnectionString());
    }
}
