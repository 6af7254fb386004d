using System.Text;
using Microsoft.Data.Sqlite;
using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Core.Tenancy;
using Myelin.TestUtilities;

namespace Myelin.Storage.Sqlite;

/// <summary>What only the SQLite provider promises: file layout, WAL, durable commits, hashed keys at rest.</summary>
public sealed class SqliteProviderTests : IDisposable
{
    private readonly TempDirectory _directory = new("myelin-sqlite");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Database_IsOneFileInWalModeWithFullSync()
    {
        await using SqliteMyelinStorage storage = await SqliteStores.OpenAsync(_directory.Path);

        Assert.Equal(Path.Combine(_directory.Path, "myelin.db"), storage.DatabasePath);
        Assert.True(File.Exists(storage.DatabasePath));
        Assert.Equal("wal", await storage.QueryWriterPragmaAsync("journal_mode"));
        Assert.Equal("2", await storage.QueryWriterPragmaAsync("synchronous"));
        Assert.NotEqual("0", await storage.QueryWriterPragmaAsync("busy_timeout"));
    }

    [Fact]
    public async Task SchemaMigrations_AreRecordedInOrder()
    {
        await using (SqliteMyelinStorage storage = await SqliteStores.OpenAsync(_directory.Path))
        {
            Assert.Equal("sqlite", storage.Provider);
            Assert.Equal(storage.DatabasePath, (await storage.GetStatsAsync(TenantId.Default)).Location);
        }

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, "myelin.db")};Pooling=false");
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_migrations ORDER BY version";
        var versions = new List<long>();
        await using SqliteDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt64(0));
        }

        Assert.Equal([1L, 2, 3], versions);
    }

    [Fact]
    public async Task ApiKeys_AreStoredAsHashesOnly()
    {
        string secret;
        string imported = "operator-admin-key-" + new string('z', 20);
        await using (SqliteMyelinStorage storage = await SqliteStores.OpenAsync(_directory.Path))
        {
            secret = (await storage.ApiKeys.CreateAsync(TenantId.Default, "ci", Role.Admin)).Secret;
            await storage.ApiKeys.ImportAsync(TenantId.Default, "boot", Role.Admin, imported);
        }

        string everything = string.Concat(Directory.GetFiles(_directory.Path, "myelin.db*")
            .Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[ApiKeyFormat.Prefix.Length..], everything, StringComparison.Ordinal);
        Assert.DoesNotContain(imported, everything, StringComparison.Ordinal);
        Assert.Contains(ApiKeyFormat.Hash(secret), everything, StringComparison.Ordinal);
        Assert.Contains(ApiKeyFormat.Hash(imported), everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoInstancesOnOneDirectory_ShareOneContiguousLog()
    {
        await using SqliteMyelinStorage first = await SqliteStores.OpenAsync(_directory.Path);
        await using SqliteMyelinStorage second = await SqliteStores.OpenAsync(_directory.Path);
        var tenant = new TenantId("shared");

        await Task.WhenAll(
            Task.Run(async () =>
            {
                for (int i = 0; i < 30; i++)
                {
                    await first.Log.AppendAsync(tenant, [new NewExperienceRecord(ExperienceKinds.Span, "{}")]);
                }
            }),
            Task.Run(async () =>
            {
                for (int i = 0; i < 30; i++)
                {
                    await second.Log.AppendAsync(tenant, [new NewExperienceRecord(ExperienceKinds.Span, "{}", IdempotencyKey: $"k{i}")]);
                }
            }));

        IReadOnlyList<ExperienceRecord> all = await first.Log.QueryAsync(tenant, new LogQuery { Limit = 1000 });
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), all.Select(r => r.Offset));
    }

    [Fact]
    public async Task StaleTemporaryBlobFiles_AreSweptOnOpen()
    {
        string temp = Path.Combine(_directory.Path, "blobs", "default", "tmp");
        Directory.CreateDirectory(temp);
        string stale = Path.Combine(temp, "crashed.partial");
        string fresh = Path.Combine(temp, "in-flight.partial");
        await File.WriteAllTextAsync(stale, "partial");
        await File.WriteAllTextAsync(fresh, "partial");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddDays(-1));

        await using SqliteMyelinStorage storage = await SqliteStores.OpenAsync(_directory.Path);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public async Task InvalidOptions_AreRejected()
    {
        await Assert.ThrowsAsync<MyelinValidationException>(
            () => SqliteMyelinStorage.OpenAsync(new SqliteStorageOptions { DataDirectory = " " }));
        await Assert.ThrowsAsync<MyelinValidationException>(
            () => SqliteMyelinStorage.OpenAsync(new SqliteStorageOptions { DataDirectory = _directory.Path, BusyTimeout = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public async Task RecordedAt_ComesFromTheInjectedClock()
    {
        var clock = new FixedClock(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using SqliteMyelinStorage storage = await SqliteMyelinStorage.OpenAsync(
            new SqliteStorageOptions { DataDirectory = _directory.Path }, clock);
        await storage.MigrateAsync();

        await storage.Log.AppendAsync(TenantId.Default, [new NewExperienceRecord(ExperienceKinds.Span, "{}")]);

        ExperienceRecord record = Assert.Single(await storage.Log.QueryAsync(TenantId.Default, new LogQuery()));
        Assert.Equal(clock.Now, record.RecordedAt);
        Assert.Equal(clock.Now, record.Timestamp);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
