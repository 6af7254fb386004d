using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Evals.Internal;

namespace Myelin.Evals.Datasets;

/// <summary>Datasets on SQLite in the room's database file (<c>{data}/evals.db</c>, WAL, <c>synchronous=FULL</c>).</summary>
/// <remarks>
/// Thread-safe: writes are serialised on one connection, each read opens its own. Tables <c>datasets</c>,
/// <c>dataset_versions</c> and <c>dataset_items</c> sit beside the trace index's (docs/adr/0001-room-storage.md).
/// </remarks>
public sealed class SqliteDatasetStore : IDatasetStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS datasets (
            tenant TEXT NOT NULL, name TEXT NOT NULL, description TEXT, created_us INTEGER NOT NULL,
            PRIMARY KEY (tenant, name));
        CREATE TABLE IF NOT EXISTS dataset_versions (
            tenant TEXT NOT NULL, dataset TEXT NOT NULL, version_id TEXT NOT NULL, number INTEGER NOT NULL,
            item_count INTEGER NOT NULL, created_us INTEGER NOT NULL,
            PRIMARY KEY (tenant, dataset, version_id), UNIQUE (tenant, dataset, number));
        CREATE TABLE IF NOT EXISTS dataset_items (
            tenant TEXT NOT NULL, dataset TEXT NOT NULL, version_id TEXT NOT NULL, position INTEGER NOT NULL,
            item_id TEXT NOT NULL, item_json TEXT NOT NULL,
            PRIMARY KEY (tenant, dataset, version_id, position));
        """;

    private readonly EvalsDatabase _db;
    private readonly TimeProvider _time;

    private SqliteDatasetStore(EvalsDatabase db, TimeProvider time)
    {
        _db = db;
        _time = time;
    }

    /// <summary>The database file.</summary>
    public string FilePath => _db.FilePath;

    /// <summary>Opens (creating when missing) <c>evals.db</c> in <paramref name="dataDirectory"/> with the dataset tables.</summary>
    /// <exception cref="MyelinValidationException">The directory is empty.</exception>
    public static SqliteDatasetStore Open(string dataDirectory, TimeProvider? time = null) =>
        new(EvalsDatabase.Open(dataDirectory, Schema), time ?? TimeProvider.System);

    /// <inheritdoc />
    public Task<DatasetInfo> CreateAsync(TenantId tenant, string name, string? description = null, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        DatasetNames.Validate(name);
        if (description is not null && description.Length > 4000)
        {
            throw new MyelinValidationException("invalid_description", "A dataset description holds at most 4000 characters.");
        }

        DateTimeOffset now = _time.GetUtcNow();
        return _db.WriteAsync((connection, transaction) =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT OR IGNORE INTO datasets (tenant, name, description, created_us) VALUES (@t, @n, @d, @c)";
            command.Parameters.AddWithValue("@t", tenantId);
            command.Parameters.AddWithValue("@n", name);
            command.Parameters.AddWithValue("@d", (object?)description ?? DBNull.Value);
            command.Parameters.AddWithValue("@c", EvalsDatabase.Micros(now));
            if (command.ExecuteNonQuery() == 0)
            {
                throw new MyelinConflictException("dataset_exists", $"A dataset named '{name}' already exists in this tenant.");
            }

            return new DatasetInfo(name, description, EvalsDatabase.FromMicros(EvalsDatabase.Micros(now)), 0, null);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DatasetInfo>> ListAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        return await ReadDatasetsAsync(tenantId, null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DatasetInfo> GetAsync(TenantId tenant, string name, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        DatasetNames.Validate(name);
        List<DatasetInfo> found = await ReadDatasetsAsync(tenantId, name, cancellationToken).ConfigureAwait(false);
        return found.Count == 1 ? found[0] : throw NotFound(name);
    }

    /// <inheritdoc />
    public Task<DatasetVersionAdded> AddVersionAsync(
        TenantId tenant, string name, IReadOnlyList<DatasetItem> items, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        DatasetNames.Validate(name);
        IReadOnlyList<DatasetItem> normalized = DatasetCanonical.Normalize(items);
        string versionId = DatasetCanonical.VersionId(normalized);
        long now = EvalsDatabase.Micros(_time.GetUtcNow());
        return _db.WriteAsync((connection, transaction) =>
        {
            RequireDataset(connection, transaction, tenantId, name);
            if (FindVersion(connection, transaction, tenantId, name, versionId) is { } existing)
            {
                return new DatasetVersionAdded(existing, Created: false);
            }

            using SqliteCommand next = Command(connection, transaction, tenantId, name,
                "SELECT COALESCE(MAX(number), 0) + 1 FROM dataset_versions WHERE tenant = @t AND dataset = @n");
            int number = Convert.ToInt32(next.ExecuteScalar(), CultureInfo.InvariantCulture);
            using SqliteCommand insert = Command(connection, transaction, tenantId, name, """
                INSERT INTO dataset_versions (tenant, dataset, version_id, number, item_count, created_us)
                VALUES (@t, @n, @v, @num, @count, @c)
                """);
            insert.Parameters.AddWithValue("@v", versionId);
            insert.Parameters.AddWithValue("@num", number);
            insert.Parameters.AddWithValue("@count", normalized.Count);
            insert.Parameters.AddWithValue("@c", now);
            insert.ExecuteNonQuery();

            using SqliteCommand item = Command(connection, transaction, tenantId, name, """
                INSERT INTO dataset_items (tenant, dataset, version_id, position, item_id, item_json) VALUES (@t, @n, @v, @p, @id, @json)
                """);
            item.Parameters.AddWithValue("@v", versionId);
            SqliteParameter position = item.Parameters.Add("@p", SqliteType.Integer);
            SqliteParameter id = item.Parameters.Add("@id", SqliteType.Text);
            SqliteParameter json = item.Parameters.Add("@json", SqliteType.Text);
            for (int i = 0; i < normalized.Count; i++)
            {
                position.Value = i;
                id.Value = normalized[i].Id;
                json.Value = DatasetCanonical.ToJson(normalized[i]);
                item.ExecuteNonQuery();
            }

            return new DatasetVersionAdded(
                new DatasetVersion(name, versionId, number, normalized.Count, EvalsDatabase.FromMicros(now)), Created: true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DatasetVersion>> ListVersionsAsync(TenantId tenant, string name, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        DatasetNames.Validate(name);
        SqliteConnection connection = _db.OpenReader();
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        RequireDataset(connection, null, tenantId, name);
        return await ReadVersionsAsync(connection, tenantId, name, null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DatasetVersion> GetVersionAsync(TenantId tenant, string name, string version, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        DatasetNames.Validate(name);
        SqliteConnection connection = _db.OpenReader();
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        return await ResolveAsync(connection, tenantId, name, version, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DatasetItem>> GetItemsAsync(TenantId tenant, string name, string version, CancellationToken cancellationToken = default)
    {
        string tenantId = EvalsDatabase.RequireTenant(tenant);
        DatasetNames.Validate(name);
        SqliteConnection connection = _db.OpenReader();
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        DatasetVersion resolved = await ResolveAsync(connection, tenantId, name, version, cancellationToken).ConfigureAwait(false);
        using SqliteCommand command = Command(connection, null, tenantId, name,
            "SELECT item_json FROM dataset_items WHERE tenant = @t AND dataset = @n AND version_id = @v ORDER BY position");
        command.Parameters.AddWithValue("@v", resolved.Id);
        var items = new List<DatasetItem>(resolved.ItemCount);
        SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(DatasetCanonical.FromJson(reader.GetString(0)));
            }
        }

        return items;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private async Task<DatasetVersion> ResolveAsync(
        SqliteConnection connection, string tenantId, string name, string version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        RequireDataset(connection, null, tenantId, name);
        string text = version.Trim();
        string clause;
        object value;
        if (text.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            clause = "number = (SELECT MAX(number) FROM dataset_versions WHERE tenant = @t AND dataset = @n)";
            value = 0;
        }
        else if (int.TryParse(text.StartsWith('v') ? text[1..] : text, NumberStyles.None, CultureInfo.InvariantCulture, out int number)
                 && text.Length < 12)
        {
            clause = "number = @x";
            value = number;
        }
        else if (text.Length == 64 && text.All(char.IsAsciiHexDigit))
        {
            clause = "version_id = @x";
            value = text.ToLowerInvariant();
        }
        else
        {
            throw new MyelinValidationException(
                "invalid_version", $"'{version}' is not a dataset version: use a 64-hex-digit version id, a number such as 'v3', or 'latest'.");
        }

        IReadOnlyList<DatasetVersion> found = await ReadVersionsAsync(connection, tenantId, name, (clause, value), cancellationToken).ConfigureAwait(false);
        return found.Count == 1
            ? found[0]
            : throw new MyelinNotFoundException("version_not_found", $"Dataset '{name}' has no version '{version}'.");
    }

    private static async Task<IReadOnlyList<DatasetVersion>> ReadVersionsAsync(
        SqliteConnection connection, string tenantId, string name, (string Clause, object Value)? filter, CancellationToken cancellationToken)
    {
        using SqliteCommand command = Command(connection, null, tenantId, name,
            "SELECT version_id, number, item_count, created_us FROM dataset_versions WHERE tenant = @t AND dataset = @n"
            + (filter is { } f ? " AND " + f.Clause : string.Empty) + " ORDER BY number");
        if (filter is { } g)
        {
            command.Parameters.AddWithValue("@x", g.Value);
        }

        var versions = new List<DatasetVersion>();
        SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                versions.Add(new DatasetVersion(name, reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), EvalsDatabase.FromMicros(reader.GetInt64(3))));
            }
        }

        return versions;
    }

    private async Task<List<DatasetInfo>> ReadDatasetsAsync(string tenantId, string? name, CancellationToken cancellationToken)
    {
        SqliteConnection connection = _db.OpenReader();
        await using ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = """
            SELECT d.name, d.description, d.created_us,
                   (SELECT COUNT(*) FROM dataset_versions v WHERE v.tenant = d.tenant AND v.dataset = d.name),
                   l.version_id, l.number, l.item_count, l.created_us
            FROM datasets d
            LEFT JOIN dataset_versions l ON l.tenant = d.tenant AND l.dataset = d.name
                AND l.number = (SELECT MAX(number) FROM dataset_versions m WHERE m.tenant = d.tenant AND m.dataset = d.name)
            WHERE d.tenant = @t
            """ + (name is null ? string.Empty : " AND d.name = @n") + " ORDER BY d.name";
        command.Parameters.AddWithValue("@t", tenantId);
        if (name is not null)
        {
            command.Parameters.AddWithValue("@n", name);
        }

        var result = new List<DatasetInfo>();
        SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                string dataset = reader.GetString(0);
                DatasetVersion? latest = reader.IsDBNull(4)
                    ? null
                    : new DatasetVersion(dataset, reader.GetString(4), reader.GetInt32(5), reader.GetInt32(6), EvalsDatabase.FromMicros(reader.GetInt64(7)));
                result.Add(new DatasetInfo(
                    dataset, reader.IsDBNull(1) ? null : reader.GetString(1), EvalsDatabase.FromMicros(reader.GetInt64(2)), reader.GetInt32(3), latest));
            }
        }

        return result;
    }

    private static DatasetVersion? FindVersion(SqliteConnection connection, SqliteTransaction transaction, string tenantId, string name, string versionId)
    {
        using SqliteCommand command = Command(connection, transaction, tenantId, name,
            "SELECT number, item_count, created_us FROM dataset_versions WHERE tenant = @t AND dataset = @n AND version_id = @v");
        command.Parameters.AddWithValue("@v", versionId);
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read()
            ? new DatasetVersion(name, versionId, reader.GetInt32(0), reader.GetInt32(1), EvalsDatabase.FromMicros(reader.GetInt64(2)))
            : null;
    }

    private static void RequireDataset(SqliteConnection connection, SqliteTransaction? transaction, string tenantId, string name)
    {
        using SqliteCommand command = Command(connection, transaction, tenantId, name, "SELECT 1 FROM datasets WHERE tenant = @t AND name = @n");
        if (command.ExecuteScalar() is null)
        {
            throw NotFound(name);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string tenantId, string name, string sql)
    {
        SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("@t", tenantId);
        command.Parameters.AddWithValue("@n", name);
        return command;
    }

    private static MyelinNotFoundException NotFound(string name) =>
        new("dataset_not_found", $"No dataset named '{name}' exists in this tenant.");
}
