using Myelin.Core;
using Myelin.Core.Storage;

namespace Myelin.Conformance;

/// <summary>Consumer checkpoints: per tenant and consumer, never backwards without force.</summary>
public abstract class CheckpointConformance : StorageConformanceBase
{
    [Fact]
    public async Task Unknown_IsZero_AndSetIsReadBack()
    {
        IMyelinStorage storage = await NewStorageAsync();

        Assert.Equal(0, await storage.Checkpoints.GetAsync(TenantA, "memory-indexer"));
        await storage.Checkpoints.SetAsync(TenantA, "memory-indexer", 10);
        await storage.Checkpoints.SetAsync(TenantA, "memory-indexer", 10);
        await storage.Checkpoints.SetAsync(TenantA, "memory-indexer", 25);

        Assert.Equal(25, await storage.Checkpoints.GetAsync(TenantA, "memory-indexer"));
        Assert.Equal(0, await storage.Checkpoints.GetAsync(TenantA, "other-consumer"));
    }

    [Fact]
    public async Task MovingBackwards_NeedsForce()
    {
        IMyelinStorage storage = await NewStorageAsync();
        await storage.Checkpoints.SetAsync(TenantA, "c", 30);

        MyelinValidationException error = await Assert.ThrowsAsync<MyelinValidationException>(
            () => storage.Checkpoints.SetAsync(TenantA, "c", 29));
        Assert.Equal(30, await storage.Checkpoints.GetAsync(TenantA, "c"));
        Assert.Equal("checkpoint_backwards", error.Code);

        await storage.Checkpoints.SetAsync(TenantA, "c", 0, force: true);
        Assert.Equal(0, await storage.Checkpoints.GetAsync(TenantA, "c"));
    }

    [Fact]
    public async Task InvalidInput_IsRejected()
    {
        IMyelinStorage storage = await NewStorageAsync();

        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Checkpoints.SetAsync(TenantA, "c", -1));
        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Checkpoints.SetAsync(TenantA, "", 1));
        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Checkpoints.SetAsync(TenantA, new string('c', 129), 1));
        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Checkpoints.SetAsync(TenantA, "bad\nname", 1));
        await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Checkpoints.GetAsync(default, "c"));
        Assert.Equal(0, await storage.Checkpoints.GetAsync(TenantA, "c"));
    }

    [Fact]
    public async Task Checkpoints_AreScopedPerTenant()
    {
        IMyelinStorage storage = await NewStorageAsync();
        await storage.Checkpoints.SetAsync(TenantA, "c", 50);

        Assert.Equal(0, await storage.Checkpoints.GetAsync(TenantB, "c"));
        await storage.Checkpoints.SetAsync(TenantB, "c", 3);

        Assert.Equal(50, await storage.Checkpoints.GetAsync(TenantA, "c"));
        Assert.Equal(3, await storage.Checkpoints.GetAsync(TenantB, "c"));
    }
}
