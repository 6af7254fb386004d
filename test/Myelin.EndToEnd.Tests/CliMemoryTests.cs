using System.Text.Json;
using Myelin.TestUtilities;

namespace Myelin.EndToEnd;

/// <summary><c>myelin memory import|recall|forget</c> against a running server, as a user runs them.</summary>
public sealed class CliMemoryTests
{
    [Fact]
    public async Task Memory_import_recall_and_forget_through_a_running_server()
    {
        using var directory = new TempDirectory("myelin-cli-memory");
        const string Key = "cli-memory-key-0123456789abcdef";
        await using ServerProcess server = await ServerProcess.StartAsync(directory.Combine("data"), Key, CancellationToken.None);
        string url = server.BaseAddress.ToString();
        string turns = directory.Combine("turns.jsonl");
        await File.WriteAllLinesAsync(turns,
        [
            """{"user":"ana","session":"s1","role":"user","text":"I live in Lisbon and I love fado.","timestamp":"2025-01-10T10:00:00Z"}""",
            """{"user":"ana","session":"s1","role":"assistant","text":"Lisbon is lovely.","timestamp":"2025-01-10T10:00:05Z"}""",
            string.Empty,
            """{"user":"bo","agent":"helper","role":"user","text":"My favourite colour is teal.","timestamp":"2025-01-12T08:00:00Z"}""",
        ]);

        (int imported, string first) = await CliTests.RunAsync("memory", "import", turns, "--url", url, "--key", Key, "--batch-size", "2");
        (int again, string second) = await CliTests.RunAsync("memory", "import", turns, "--url", url, "--key", Key);
        Assert.True(imported == 0, first);
        Assert.Contains("line 2: 2 turns sent", first, StringComparison.Ordinal);
        Assert.Contains("Imported 3 turns from turns.jsonl (0 already stored).", first, StringComparison.Ordinal);
        Assert.True(again == 0, second);
        Assert.Contains("Imported 0 turns from turns.jsonl (3 already stored).", second, StringComparison.Ordinal);

        // A bad line stops the import with its line number, and nothing of its batch is stored.
        string bad = directory.Combine("bad.jsonl");
        await File.WriteAllLinesAsync(bad,
        [
            """{"user":"cy","role":"user","text":"I work at the observatory."}""",
            """{"user":"cy","role":"robot","text":"beep"}""",
        ]);
        (int refused, string error) = await CliTests.RunAsync("memory", "import", bad, "--url", url, "--key", Key);
        Assert.Equal(2, refused);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("myelin: ", line, StringComparison.Ordinal);
        Assert.Contains("bad.jsonl:2: 'role' must be user, assistant, system or tool, not 'robot'", line, StringComparison.Ordinal);
        (_, string cy) = await CliTests.RunAsync("memory", "recall", "--user", "cy", "observatory", "--url", url, "--key", Key, "--json");
        using (JsonDocument none = JsonDocument.Parse(cy))
        {
            Assert.Equal(0, none.RootElement.GetProperty("hits").GetArrayLength());
        }

        (int recalled, string table) = await CliTests.RunAsync("memory", "recall", "--user", "ana", "Where does Ana live?", "--url", url, "--key", Key);
        Assert.True(recalled == 0, table);
        string[] rows = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("score", rows[0], StringComparison.Ordinal);
        Assert.Contains(rows, r => r.Contains("Lisbon", StringComparison.Ordinal) && r.Contains("current", StringComparison.Ordinal));
        Assert.DoesNotContain("teal", table, StringComparison.Ordinal);

        (int unconfirmed, string ask) = await CliTests.RunAsync("memory", "forget", "--user", "ana", "--url", url, "--key", Key);
        Assert.Equal(2, unconfirmed);
        Assert.Contains("pass --yes to confirm", ask, StringComparison.Ordinal);
        (int forgot, string done) = await CliTests.RunAsync("memory", "forget", "--user", "ana", "--yes", "--url", url, "--key", Key);
        Assert.True(forgot == 0, done);
        Assert.StartsWith("Forgot ana: ", done, StringComparison.Ordinal);
        (_, string after) = await CliTests.RunAsync("memory", "recall", "--user", "ana", "Where does Ana live?", "--url", url, "--key", Key);
        Assert.Contains("No memories of ana match.", after, StringComparison.Ordinal);
    }
}
