using Myelin.Conformance;
using Myelin.Core.Storage;

namespace Myelin.Storage.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresExperienceLogTests(PostgresFixture fixture) : ExperienceLogConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => PostgresStores.CreateAsync(fixture, Track);
}
