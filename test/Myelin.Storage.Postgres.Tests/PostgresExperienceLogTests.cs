using Myelin.Conformance;
using Myelin.Core.Storage;
using Myelin.TestUtilities;

namespace Myelin.Storage.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresExperienceLogTests(PostgresFixture fixture) : ExperienceLogConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => PostgresStores.CreateAsync(fixture, Track);
}
