namespace Myelin.Storage.Postgres;

/// <summary>Where the PostgreSQL store keeps its data.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>An Npgsql connection string. Set <c>Search Path</c> to keep Myelin's tables in their own schema.</summary>
    /// <remarks>Treated as a secret: it is never logged or shown; status pages show only user, host, port and database.</remarks>
    public string ConnectionString { get; set; } = "";

    /// <summary>The directory that holds blob bytes; every server sharing the database must see the same directory.</summary>
    public string BlobDirectory { get; set; } = "";
}
