using System.Text;
using Myelin.Conformance;
using Myelin.Core.Log;
using Myelin.Core.Storage;
using Myelin.TestUtilities;

namespace Myelin.Storage.Sqlite;

public sealed class SqliteLogRedactionTests : LogRedactionConformance
{
    protected override Task<IMyelinStorage> CreateStorageAsync() => SqliteStores.CreateAsync(Track);

    [Fact]
    public async Task Redacted_content_is_gone_from_every_file_of_the_data_directory()
    {
        using var directory = new TempDirectory("myelin-redact");
        SqliteMyelinStorage storage = await SqliteStores.OpenAsync(directory.Path);
        await using (storage)
        {
            // Enough other records that the secret shares pages with live rows, and a long one that spills to overflow pages.
            await storage.Log.AppendAsync(TenantA, Records(200));
            await storage.Log.AppendAsync(
                TenantA,
                [
                    Record(ExperienceKinds.Turn, """{"text":"the vault code is ZEBRA-7731"}"""),
                    Record(ExperienceKinds.Turn, "{\"text\":\"" + string.Concat(Enumerable.Repeat("ZEBRA-7731 ", 2000)) + "\"}"),
                ]);
            await storage.Log.AppendAsync(TenantA, Records(200));
            Assert.True(ContainsSecret(directory.Path));

            Assert.Equal(2, await storage.Log.RedactAsync(TenantA, [201, 202], "forget"));

            Assert.False(ContainsSecret(directory.Path));
            Assert.Equal(402, (await storage.Log.QueryAsync(TenantA, All)).Count);
        }
    }

    private static bool ContainsSecret(string directory)
    {
        byte[] needle = Encoding.UTF8.GetBytes("ZEBRA-7731");
        foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            if (buffer.GetBuffer().AsSpan(0, (int)buffer.Length).IndexOf(needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
