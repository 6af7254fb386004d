using System.Diagnostics;
using Myelin.TestUtilities;

namespace Myelin.EndToEnd;

/// <summary>The <c>myelin</c> command as a user runs it: model maker, one-shot chat, and one-line errors with non-zero exits.</summary>
public sealed class CliTests
{
    [Fact]
    public async Task Synth_writes_a_model_that_chat_can_answer_with()
    {
        using var directory = new TempDirectory("myelin-cli");
        string model = directory.Combine("tiny.gguf");
        (int code, string output) = await RunAsync(
            "model", "synth", "--out", model, "--arch", "llama", "--dim", "64", "--layers", "2", "--heads", "4", "--kv-heads", "2",
            "--ffn", "128", "--vocab", "800", "--tokenizer", "llama3", "--type", "q4_0");
        Assert.True(code == 0, output);
        Assert.Contains("Q4_0", output, StringComparison.Ordinal);
        Assert.True(new FileInfo(model).Length > 10_000);

        (int first, string answer1) = await RunAsync("chat", "--model", model, "--prompt", "Hello?", "--max-tokens", "8", "--seed", "5");
        // The same seed gives the same answer, with the weights copied into memory (the default) or read from the mapping.
        (int second, string answer2) = await RunAsync("chat", "--model", model, "--prompt", "Hello?", "--max-tokens", "8", "--seed", "5", "--mmap");
        Assert.Equal(0, first);
        Assert.Equal(0, second);
        Assert.False(string.IsNullOrWhiteSpace(answer1));
        Assert.Equal(answer1, answer2);
    }

    [Fact]
    public async Task Datasets_import_and_export_through_a_running_server()
    {
        using var directory = new TempDirectory("myelin-cli-datasets");
        const string Key = "cli-datasets-key-0123456789abc";
        await using ServerProcess server = await ServerProcess.StartAsync(directory.Combine("data"), Key, CancellationToken.None);
        string items = directory.Combine("items.jsonl");
        await File.WriteAllTextAsync(items, "{\"input\":\"2+2?\",\"expected\":\"4\"}\n{\"input\":\"Capital of France?\",\"expected\":\"Paris\"}\n");
        string url = server.BaseAddress.ToString();

        (int imported, string first) = await RunAsync("datasets", "import", "--url", url, "--key", Key, "--name", "golden", "--file", items);
        (int again, string second) = await RunAsync("datasets", "import", "--url", url, "--key", Key, "--name", "golden", "--file", items);
        Assert.True(imported == 0, first);
        Assert.Contains("version v1", first, StringComparison.Ordinal);
        Assert.Equal(0, again);
        Assert.Contains("identical to an existing version", second, StringComparison.Ordinal);

        string csv = directory.Combine("golden.csv");
        (int exported, _) = await RunAsync("datasets", "export", "--url", url, "--key", Key, "--name", "golden", "--format", "csv", "--out", csv);
        Assert.Equal(0, exported);
        string[] lines = await File.ReadAllLinesAsync(csv);
        Assert.Equal("id,input,expected_output,context", lines[0]);
        Assert.Contains(lines, l => l.EndsWith(",Capital of France?,Paris,", StringComparison.Ordinal));

        (int missing, string error) = await RunAsync("datasets", "export", "--url", url, "--key", Key, "--name", "nope");
        Assert.Equal(1, missing);
        Assert.Contains("No dataset named 'nope'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "--arch must be llama or qwen2", "model", "synth", "--out", "x.gguf", "--arch", "gpt5")]
    [InlineData(2, "--kv-heads must divide --heads", "model", "synth", "--out", "x.gguf", "--heads", "8", "--kv-heads", "3")]
    [InlineData(2, "no file at", "chat", "--model", "/nonexistent/model.gguf", "--prompt", "x")]
    [InlineData(2, "is not an http:// or https:// address", "serve", "--urls", "ftp://example")]
    public async Task Bad_input_is_one_line_and_a_non_zero_exit(int expectedCode, string message, params string[] args)
    {
        (int code, string output) = await RunAsync(args);
        Assert.Equal(expectedCode, code);
        string line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("myelin: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
    }

    internal static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ServerProcess.CliAssembly);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
