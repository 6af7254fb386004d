using System.Security.Cryptography;
using Myelin.Core;
using Myelin.Core.Blobs;
using Myelin.Core.Storage;

namespace Myelin.Conformance;

/// <summary>Blobs: content addressing, reference counts, integrity checks, atomic writes and tenant isolation.</summary>
public abstract class BlobStoreConformance : StorageConformanceBase
{
    /// <summary>The folder the store keeps blob bytes in (laid out as <see cref="BlobFiles"/> describes).</summary>
    protected abstract string GetBlobDirectory(IMyelinStorage storage);

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private string PathOf(IMyelinStorage storage, TenantId tenant, string sha256) =>
        new BlobFiles(GetBlobDirectory(storage)).GetPath(tenant, sha256);

    private string[] StoredFiles(IMyelinStorage storage, TenantId tenant)
    {
        string directory = Path.Combine(GetBlobDirectory(storage), tenant.Value);
        return Directory.Exists(directory) ? Directory.GetFiles(directory, "*", SearchOption.AllDirectories) : [];
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }

    [Fact]
    public async Task Put_StoresBytesUnderTheirSha256()
    {
        IMyelinStorage storage = await NewStorageAsync();
        byte[] bytes = Bytes(300_000, seed: 1);

        BlobRef blob = await storage.Blobs.PutAsync(TenantA, new MemoryStream(bytes));

        Assert.Equal(new BlobRef(Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length), blob);
        Assert.Equal(blob, await storage.Blobs.GetAsync(TenantA, blob.Sha256));
        Assert.Equal(1, await storage.Blobs.GetRefCountAsync(TenantA, blob.Sha256));
        Assert.Equal(bytes, await ReadAllAsync(await storage.Blobs.OpenReadAsync(TenantA, blob.Sha256)));
        Assert.True(File.Exists(PathOf(storage, TenantA, blob.Sha256)));
    }

    [Fact]
    public async Task EmptyBlob_IsStored()
    {
        IMyelinStorage storage = await NewStorageAsync();

        BlobRef blob = await storage.Blobs.PutAsync(TenantA, new MemoryStream());

        Assert.Equal(0, blob.Length);
        Assert.Empty(await ReadAllAsync(await storage.Blobs.OpenReadAsync(TenantA, blob.Sha256)));
    }

    [Fact]
    public async Task SameContentTwice_IsOneFileWithTwoReferences()
    {
        IMyelinStorage storage = await NewStorageAsync();
        byte[] bytes = Bytes(1000, seed: 2);

        BlobRef first = await storage.Blobs.PutAsync(TenantA, new MemoryStream(bytes));
        BlobRef second = await storage.Blobs.PutAsync(TenantA, new MemoryStream(bytes));

        Assert.Equal(first, second);
        Assert.Equal(2, await storage.Blobs.GetRefCountAsync(TenantA, first.Sha256));
        Assert.Equal([PathOf(storage, TenantA, first.Sha256)], StoredFiles(storage, TenantA));
    }

    [Fact]
    public async Task ReleasingTheLastReference_DeletesTheFile()
    {
        IMyelinStorage storage = await NewStorageAsync();
        BlobRef blob = await storage.Blobs.PutAsync(TenantA, new MemoryStream(Bytes(100, seed: 3)));
        await storage.Blobs.AddRefAsync(TenantA, blob.Sha256);
        string path = PathOf(storage, TenantA, blob.Sha256);

        Assert.Equal(1, await storage.Blobs.ReleaseAsync(TenantA, blob.Sha256));
        Assert.True(File.Exists(path));
        Assert.Equal(0, await storage.Blobs.ReleaseAsync(TenantA, blob.Sha256));

        Assert.False(File.Exists(path));
        Assert.Null(await storage.Blobs.GetAsync(TenantA, blob.Sha256));
        Assert.Equal(0, await storage.Blobs.GetRefCountAsync(TenantA, blob.Sha256));
        await Assert.ThrowsAsync<MyelinNotFoundException>(() => storage.Blobs.ReleaseAsync(TenantA, blob.Sha256));
        await Assert.ThrowsAsync<MyelinNotFoundException>(() => storage.Blobs.OpenReadAsync(TenantA, blob.Sha256));
        await Assert.ThrowsAsync<MyelinNotFoundException>(() => storage.Blobs.AddRefAsync(TenantA, blob.Sha256));
    }

    [Fact]
    public async Task CorruptedBytes_AreDetectedOnRead()
    {
        IMyelinStorage storage = await NewStorageAsync();
        BlobRef blob = await storage.Blobs.PutAsync(TenantA, new MemoryStream(Bytes(5000, seed: 4)));
        string path = PathOf(storage, TenantA, blob.Sha256);
        byte[] onDisk = await File.ReadAllBytesAsync(path);
        onDisk[2500] ^= 0x01;
        await File.WriteAllBytesAsync(path, onDisk);

        MyelinIntegrityException error = await Assert.ThrowsAsync<MyelinIntegrityException>(
            () => storage.Blobs.OpenReadAsync(TenantA, blob.Sha256));

        Assert.Contains(blob.Sha256, error.Message, StringComparison.Ordinal);
        File.Delete(path);
        await Assert.ThrowsAsync<MyelinIntegrityException>(() => storage.Blobs.OpenReadAsync(TenantA, blob.Sha256));
    }

    [Fact]
    public async Task FailedPut_LeavesNothingVisible()
    {
        IMyelinStorage storage = await NewStorageAsync();
        byte[] bytes = Bytes(200_000, seed: 5);
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));

        await Assert.ThrowsAsync<IOException>(() => storage.Blobs.PutAsync(TenantA, new FailingStream(bytes, failAfter: 100_000)));

        Assert.Null(await storage.Blobs.GetAsync(TenantA, sha256));
        Assert.Empty(StoredFiles(storage, TenantA));
        Assert.Equal(0, (await storage.GetStatsAsync(TenantA)).Blobs);
    }

    [Fact]
    public async Task Tenants_CannotSeeOrReleaseEachOthersBlobs()
    {
        IMyelinStorage storage = await NewStorageAsync();
        byte[] bytes = Bytes(2048, seed: 6);
        BlobRef blob = await storage.Blobs.PutAsync(TenantA, new MemoryStream(bytes));

        Assert.Null(await storage.Blobs.GetAsync(TenantB, blob.Sha256));
        Assert.Equal(0, await storage.Blobs.GetRefCountAsync(TenantB, blob.Sha256));
        await Assert.ThrowsAsync<MyelinNotFoundException>(() => storage.Blobs.OpenReadAsync(TenantB, blob.Sha256));
        await Assert.ThrowsAsync<MyelinNotFoundException>(() => storage.Blobs.ReleaseAsync(TenantB, blob.Sha256));
        await Assert.ThrowsAsync<MyelinNotFoundException>(() => storage.Blobs.AddRefAsync(TenantB, blob.Sha256));

        await storage.Blobs.PutAsync(TenantB, new MemoryStream(bytes));
        Assert.Equal(0, await storage.Blobs.ReleaseAsync(TenantA, blob.Sha256));
        Assert.Equal(bytes, await ReadAllAsync(await storage.Blobs.OpenReadAsync(TenantB, blob.Sha256)));
        Assert.Equal(1, await storage.Blobs.GetRefCountAsync(TenantB, blob.Sha256));
    }

    [Fact]
    public async Task InvalidHashes_AreRejected()
    {
        IMyelinStorage storage = await NewStorageAsync();

        foreach (string bad in new[] { "", "abc", new string('A', 64), new string('g', 64), "../" + new string('a', 61) })
        {
            await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Blobs.GetAsync(TenantA, bad));
            await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Blobs.OpenReadAsync(TenantA, bad));
            await Assert.ThrowsAsync<MyelinValidationException>(() => storage.Blobs.ReleaseAsync(TenantA, bad));
        }
    }

    [Fact]
    public async Task ConcurrentPutsAndReleases_KeepCountsExact()
    {
        IMyelinStorage storage = await NewStorageAsync();
        byte[] bytes = Bytes(4096, seed: 7);

        BlobRef[] puts = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => storage.Blobs.PutAsync(TenantA, new MemoryStream(bytes)))));
        await Task.WhenAll(Enumerable.Range(0, 11).Select(_ => Task.Run(() => storage.Blobs.ReleaseAsync(TenantA, puts[0].Sha256))));

        Assert.Equal(1, await storage.Blobs.GetRefCountAsync(TenantA, puts[0].Sha256));
        Assert.Equal(bytes, await ReadAllAsync(await storage.Blobs.OpenReadAsync(TenantA, puts[0].Sha256)));
    }

    /// <summary>Yields some bytes, then fails like a dropped upload.</summary>
    private sealed class FailingStream(byte[] bytes, int failAfter) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) =>
            Position >= failAfter ? throw new IOException("connection reset") : base.Read(buffer, offset, Math.Min(count, 4096));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position >= failAfter ? throw new IOException("connection reset") : base.ReadAsync(buffer[..Math.Min(buffer.Length, 4096)], cancellationToken);
    }
}
