using Myelin.Conformance;
using Myelin.Core.Storage;
using Myelin.TestUtilities;

namespace Myelin.Storage.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresLogRedactionTests(PostgresFixture fixture) : LogRedactionConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => PostgresStores.CreateAsync(fixture, Track);
}
