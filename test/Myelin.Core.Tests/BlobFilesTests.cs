using System.Security.Cryptography;
using Myelin.Core.Blobs;
using Myelin.TestUtilities;

namespace Myelin.Core;

public sealed class BlobFilesTests : IDisposable
{
    private static readonly TenantId s_tenant = new("acme");
    private readonly TempDirectory _directory = new("myelin-blobfiles");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task StagedBytes_AreInvisibleUntilPromoted()
    {
        var files = new BlobFiles(_directory.Path);
        byte[] bytes = [1, 2, 3, 4];
        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        using (StagedBlob staged = await files.StageAsync(s_tenant, new MemoryStream(bytes)))
        {
            Assert.Equal(new BlobRef(sha, 4), staged.Blob);
            Assert.False(files.Exists(s_tenant, sha));
            files.Promote(staged);
        }

        Assert.True(files.Exists(s_tenant, sha));
        Assert.Equal(Path.Combine(_directory.Path, "acme", sha[..2], sha), files.GetPath(s_tenant, sha));
        Assert.Empty(Directory.GetFiles(Path.Combine(_directory.Path, "acme", "tmp")));
        await using Stream read = await files.OpenVerifiedAsync(s_tenant, sha);
        Assert.Equal(4, read.Length);
    }

    [Fact]
    public async Task DisposedWithoutPromote_LeavesNoFile()
    {
        var files = new BlobFiles(_directory.Path);

        using (await files.StageAsync(s_tenant, new MemoryStream([9, 9])))
        {
        }

        Assert.Empty(Directory.GetFiles(_directory.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void MalformedHashes_CannotEscapeTheRoot()
    {
        var files = new BlobFiles(_directory.Path);

        Assert.Throws<MyelinValidationException>(() => files.GetPath(s_tenant, "../../etc/passwd"));
        Assert.Throws<MyelinValidationException>(() => files.GetPath(default, new string('a', 64)));
    }
}
