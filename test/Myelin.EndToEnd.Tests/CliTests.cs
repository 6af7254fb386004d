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
        (int second, string answer2) = await RunAsync("chat", "--model", model, "--prompt", "Hello?", "--max-tokens", "8", "--seed", "5");
        Assert.Equal(0, first);
        Assert.Equal(0, second);
        Assert.False(string.IsNullOrWhiteSpace(answer1));
        Assert.Equal(answer1, answer2);
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

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
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
