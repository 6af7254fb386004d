using Myelin.TestUtilities;

namespace Myelin.Storage.Postgres;

/// <summary>Test classes in this collection share one <see cref="PostgresFixture"/> cluster.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
