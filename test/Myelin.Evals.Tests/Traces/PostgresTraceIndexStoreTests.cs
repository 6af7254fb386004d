using Myelin.TestUtilities;
using Npgsql;

namespace Myelin.Evals.Traces;

/// <summary>The trace index contract on PostgreSQL: one throwaway cluster for the class, a fresh database per test.</summary>
public sealed class PostgresTraceIndexStoreTests(PostgresTraceIndexStoreTests.ClusterFixture cluster)
    : TraceIndexStoreTests, IClassFixture<PostgresTraceIndexStoreTests.ClusterFixture>
{
    protected override async Task<ITraceIndexStore> CreateStoreAsync() => PostgresTraceIndexStore.Open(await cluster.CreateDatabaseAsync());

    public sealed class ClusterFixture : IAsyncLifetime
    {
        private PostgresCluster? _cluster;

        public async Task InitializeAsync() => _cluster = await PostgresCluster.StartAsync();

        public async Task DisposeAsync()
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }
        }

        public async Task<string> CreateDatabaseAsync()
        {
            string name = "d_" + Guid.NewGuid().ToString("N");
            await using (NpgsqlDataSource admin = NpgsqlDataSource.Create(_cluster!.ConnectionString()))
            await using (NpgsqlCommand create = admin.CreateCommand($"CREATE DATABASE {name}"))
            {
                await create.ExecuteNonQueryAsync();
            }

            return _cluster.ConnectionString(name);
        }
    }
}
