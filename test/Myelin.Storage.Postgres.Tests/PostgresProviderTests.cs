using Myelin.Core;
using Myelin.Core.Log;
using Myelin.Core.Tenancy;
using Myelin.TestUtilities;
using Npgsql;

namespace Myelin.Storage.Postgres;

/// <summary>What only the PostgreSQL provider promises: safe concurrent starts, several servers on one database, secrets kept.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresProviderTests(PostgresFixture fixture) : IDisposable
{
    private readonly TempDirectory _blobs = new("myelin-pg-blobs");

    public void Dispose() => _blobs.Dispose();

    private async Task<PostgresStorageOptions> OptionsAsync() =>
        new() { ConnectionString = await fixture.CreateSchemaAsync(), BlobDirectory = _blobs.Path };

    [Fact]
    public async Task ConcurrentMigrations_FromSeveralInstances_ApplyEachStepOnce()
    {
        PostgresStorageOptions options = await OptionsAsync();
        PostgresMyelinStorage[] instances = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresMyelinStorage.OpenAsync(options)));
        try
        {
            await Task.WhenAll(instances.Select(s => Task.Run(() => s.MigrateAsync())));

            Assert.Equal(3L, await fixture.ScalarAsync(options.ConnectionString, "SELECT COUNT(*) FROM schema_migrations"));
            Assert.Equal(3, (await instances[0].GetStatsAsync(TenantId.Default)).SchemaVersion);
            Assert.Single(await instances[1].Tenants.ListAsync());
        }
        finally
        {
            foreach (PostgresMyelinStorage instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task TwoServersOnOneDatabase_ShareOneContiguousLog()
    {
        PostgresStorageOptions options = await OptionsAsync();
        await using PostgresMyelinStorage first = await PostgresStores.OpenAsync(options);
        await using PostgresMyelinStorage second = await PostgresStores.OpenAsync(options);
        var tenant = new TenantId("shared");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            PostgresMyelinStorage server = t % 2 == 0 ? first : second;
            for (int i = 0; i < 10; i++)
            {
                await server.Log.AppendAsync(
                    tenant, [new NewExperienceRecord(ExperienceKinds.Span, "{}", IdempotencyKey: $"k{i % 5}-{t % 4}"), new NewExperienceRecord(ExperienceKinds.Span, "{}")]);
            }
        })));

        IReadOnlyList<ExperienceRecord> all = await first.Log.QueryAsync(tenant, new LogQuery { Limit = 1000 });
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(r => r.Offset));
        Assert.Equal(20, all.Count(r => r.IdempotencyKey is not null));
        Assert.Equal(80 + 20, all.Count);
    }

    [Fact]
    public async Task ApiKeys_AreStoredAsHashesOnly()
    {
        PostgresStorageOptions options = await OptionsAsync();
        await using PostgresMyelinStorage storage = await PostgresStores.OpenAsync(options);
        CreatedApiKey key = await storage.ApiKeys.CreateAsync(TenantId.Default, "ci", Role.Admin);

        string stored = (string)(await fixture.ScalarAsync(
            options.ConnectionString, "SELECT string_agg(api_keys::text, '|') FROM api_keys"))!;

        Assert.DoesNotContain(key.Secret, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Secret[ApiKeyFormat.Prefix.Length..], stored, StringComparison.Ordinal);
        Assert.Contains(ApiKeyFormat.Hash(key.Secret), stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Location_NeverShowsThePassword()
    {
        PostgresStorageOptions options = await OptionsAsync();
        options.ConnectionString = new NpgsqlConnectionStringBuilder(options.ConnectionString) { Password = "s3cret-pw" }.ConnectionString;
        await using PostgresMyelinStorage storage = await PostgresStores.OpenAsync(options);

        string location = (await storage.GetStatsAsync(TenantId.Default)).Location;

        Assert.Equal($"postgres://postgres@127.0.0.1:{fixture.Cluster.Port}/postgres", location);
        Assert.DoesNotContain("s3cret-pw", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidOptions_AreRejected()
    {
        await Assert.ThrowsAsync<MyelinValidationException>(
            () => PostgresMyelinStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = "", BlobDirectory = _blobs.Path }));
        await Assert.ThrowsAsync<MyelinValidationException>(
            () => PostgresMyelinStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = "Host=x", BlobDirectory = "" }));
        MyelinValidationException error = await Assert.ThrowsAsync<MyelinValidationException>(
            () => PostgresMyelinStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = "Host=x;Password=hunter2;Bogus=1", BlobDirectory = _blobs.Path }));
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }
}
