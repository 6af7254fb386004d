using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Core.Tenancy;

namespace Myelin.Conformance;

/// <summary>Tenants and API keys: creation, authentication, revocation, import and isolation.</summary>
public abstract class TenancyConformance : StorageConformanceBase
{
    private async Task<IMyelinStorage> WithTenantsAsync()
    {
        IMyelinStorage storage = await NewStorageAsync();
        await storage.Tenants.CreateAsync(TenantA, "Tenant A");
        await storage.Tenants.CreateAsync(TenantB, "Tenant B");
        return storage;
    }

    [Fact]
    public async Task Migrate_CreatesTheDefaultTenant()
    {
        IMyelinStorage storage = await NewStorageAsync();

        Tenant? tenant = await storage.Tenants.GetAsync(TenantId.Default);

        Assert.NotNull(tenant);
        Assert.Equal(TenantId.Default, tenant.Id);
    }

    [Fact]
    public async Task Tenants_AreCreatedListedInIdOrderAndUnique()
    {
        IMyelinStorage storage = await NewStorageAsync();
        Tenant created = await storage.Tenants.CreateAsync(new TenantId("zeta"), "Zeta");
        await storage.Tenants.CreateAsync(new TenantId("alpha"), "Alpha");

        Assert.Equal(created, await storage.Tenants.GetAsync(new TenantId("zeta")));
        Assert.Null(await storage.Tenants.GetAsync(new TenantId("missing")));
        Assert.Equal(["alpha", "default", "zeta"], (await storage.Tenants.ListAsync()).Select(t => t.Id.Value));
        await Assert.ThrowsAsync<MyelinConflictException>(() => storage.Tenants.CreateAsync(new TenantId("zeta"), "Again"));
        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Tenants.CreateAsync(new TenantId("blank"), "  "));
        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Tenants.CreateAsync(new TenantId("long"), new string('n', 201)));
        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Tenants.CreateAsync(default, "No id"));
        Assert.Equal(3, (await storage.Tenants.ListAsync()).Count);
    }

    [Fact]
    public async Task CreatedKey_Authenticates()
    {
        IMyelinStorage storage = await WithTenantsAsync();

        CreatedApiKey key = await storage.ApiKeys.CreateAsync(TenantA, "ci", Role.Writer);
        Principal? principal = await storage.ApiKeys.AuthenticateAsync(key.Secret);

        Assert.StartsWith(ApiKeyFormat.Prefix, key.Secret, StringComparison.Ordinal);
        Assert.Equal(new Principal(TenantA, Role.Writer, key.Info.KeyId), principal);
        Assert.Equal(TenantA, key.Info.Tenant);
        Assert.Equal("ci", key.Info.Name);
        Assert.Null(key.Info.RevokedAt);
    }

    [Fact]
    public async Task MalformedOrUnknownKeys_DoNotAuthenticate()
    {
        IMyelinStorage storage = await WithTenantsAsync();
        CreatedApiKey key = await storage.ApiKeys.CreateAsync(TenantA, "ci", Role.Reader);

        Assert.Null(await storage.ApiKeys.AuthenticateAsync(""));
        Assert.Null(await storage.ApiKeys.AuthenticateAsync("short"));
        Assert.Null(await storage.ApiKeys.AuthenticateAsync(key.Secret + " "));
        Assert.Null(await storage.ApiKeys.AuthenticateAsync(key.Secret[..^1] + (key.Secret[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(await storage.ApiKeys.AuthenticateAsync(ApiKeyFormat.Generate()));
        Assert.Null(await storage.ApiKeys.AuthenticateAsync(ApiKeyFormat.Hash(key.Secret)));
    }

    [Fact]
    public async Task RevokedKey_StopsAuthenticating()
    {
        IMyelinStorage storage = await WithTenantsAsync();
        CreatedApiKey key = await storage.ApiKeys.CreateAsync(TenantA, "ci", Role.Admin);

        Assert.False(await storage.ApiKeys.RevokeAsync(TenantB, key.Info.KeyId));
        Assert.NotNull(await storage.ApiKeys.AuthenticateAsync(key.Secret));
        Assert.True(await storage.ApiKeys.RevokeAsync(TenantA, key.Info.KeyId));
        Assert.False(await storage.ApiKeys.RevokeAsync(TenantA, key.Info.KeyId));
        Assert.False(await storage.ApiKeys.RevokeAsync(TenantA, "unknown"));

        Assert.Null(await storage.ApiKeys.AuthenticateAsync(key.Secret));
        ApiKeyInfo listed = Assert.Single(await storage.ApiKeys.ListAsync(TenantA));
        Assert.NotNull(listed.RevokedAt);
    }

    [Fact]
    public async Task Keys_AreListedNewestFirstAndScopedPerTenant()
    {
        IMyelinStorage storage = await WithTenantsAsync();
        CreatedApiKey first = await storage.ApiKeys.CreateAsync(TenantA, "first", Role.Reader);
        CreatedApiKey second = await storage.ApiKeys.CreateAsync(TenantA, "second", Role.Writer);
        CreatedApiKey other = await storage.ApiKeys.CreateAsync(TenantB, "other", Role.Admin);

        Assert.Equal([second.Info.KeyId, first.Info.KeyId], (await storage.ApiKeys.ListAsync(TenantA)).Select(k => k.KeyId));
        Assert.Equal([other.Info.KeyId], (await storage.ApiKeys.ListAsync(TenantB)).Select(k => k.KeyId));
        Assert.Empty(await storage.ApiKeys.ListAsync(TenantId.Default));
        Assert.Equal(TenantB, (await storage.ApiKeys.AuthenticateAsync(other.Secret))!.Tenant);
    }

    [Fact]
    public async Task CreateKey_ValidatesItsInput()
    {
        IMyelinStorage storage = await WithTenantsAsync();

        await Assert.ThrowsAsync<MyelinNotFoundException>(() => storage.ApiKeys.CreateAsync(new TenantId("missing"), "k", Role.Reader));
        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.ApiKeys.CreateAsync(TenantA, "", Role.Reader));
        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.ApiKeys.CreateAsync(TenantA, new string('n', 201), Role.Reader));
        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.ApiKeys.CreateAsync(TenantA, "k", (Role)42));
        Assert.Empty(await storage.ApiKeys.ListAsync(TenantA));
    }

    [Fact]
    public async Task Import_IsIdempotentAndUsesTheDerivedKeyId()
    {
        IMyelinStorage storage = await WithTenantsAsync();
        const string Key = "operator-chosen-admin-key-0001";

        ApiKeyInfo first = await storage.ApiKeys.ImportAsync(TenantId.Default, "bootstrap", Role.Admin, Key);
        ApiKeyInfo again = await storage.ApiKeys.ImportAsync(TenantId.Default, "bootstrap", Role.Admin, Key);

        Assert.Equal(ApiKeyFormat.ImportedKeyId(Key), first.KeyId);
        Assert.Equal(first, again);
        Assert.Single(await storage.ApiKeys.ListAsync(TenantId.Default));
        Assert.Equal(new Principal(TenantId.Default, Role.Admin, first.KeyId), await storage.ApiKeys.AuthenticateAsync(Key));
        Assert.True((await storage.ApiKeys.AuthenticateAsync(Key))!.IsOperator);
    }

    [Fact]
    public async Task Import_RejectsMalformedKeysAndKeysOfAnotherTenant()
    {
        IMyelinStorage storage = await WithTenantsAsync();
        const string Key = "operator-chosen-admin-key-0002";
        await storage.ApiKeys.ImportAsync(TenantA, "k", Role.Admin, Key);

        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.ApiKeys.ImportAsync(TenantA, "k", Role.Admin, "too-short"));
        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.ApiKeys.ImportAsync(TenantA, "k", Role.Admin, "has a space in it 123"));
        await Assert.ThrowsAsync<MyelinConflictException>(() => storage.ApiKeys.ImportAsync(TenantB, "k", Role.Admin, Key));
        Assert.Empty(await storage.ApiKeys.ListAsync(TenantB));
    }
}
