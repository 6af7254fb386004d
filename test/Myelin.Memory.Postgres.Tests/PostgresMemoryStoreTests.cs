using Myelin.Conformance;
using Myelin.TestUtilities;

namespace Myelin.Memory.Postgres;

/// <summary>The memory store conformance suite on PostgreSQL, one schema per store.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMemoryStoreTests(PostgresFixture fixture) : MemoryStoreConformance
{
    protected override async Task<IMemoryStore> CreateStoreAsync() =>
        await PostgresMemoryStore.OpenAsync(await fixture.CreateSchemaAsync());
}
