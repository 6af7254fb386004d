using Myelin.Conformance;
using Myelin.Core.Storage;
using Myelin.TestUtilities;

namespace Myelin.Storage.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresLogQueryTests(PostgresFixture fixture) : LogQueryConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => PostgresStores.CreateAsync(fixture, Track);
}
