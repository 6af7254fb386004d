using Myelin.TestUtilities;

namespace Myelin.EndToEnd;

/// <summary><c>myelin eval run</c> against a served model the CLI synthesized: progress, summary, and gates deciding the exit code.</summary>
public sealed class EvalRunTests
{
    [Fact]
    public async Task Eval_run_scores_a_dataset_on_a_served_model_and_gates_decide_the_exit_code()
    {
        using var directory = new TempDirectory("myelin-cli-evalrun");
        const string Key = "cli-evalrun-key-0123456789abcd";
        string model = directory.Combine("tiny-eval.gguf");
        (int synth, string synthOutput) = await CliTests.RunAsync(
            "model", "synth", "--out", model, "--arch", "llama", "--dim", "64", "--layers", "2", "--heads", "4", "--kv-heads", "2",
            "--ffn", "128", "--vocab", "600", "--tokenizer", "llama3", "--type", "q8_0", "--name", "tiny-eval");
        Assert.True(synth == 0, synthOutput);
        await using ServerProcess server = await ServerProcess.StartAsync(directory.Combine("data"), Key, CancellationToken.None, ["--model", model]);
        string url = server.BaseAddress.ToString();
        string items = directory.Combine("items.jsonl");
        await File.WriteAllTextAsync(items, "{\"input\":\"2+2?\",\"expected\":\"4\"}\n{\"input\":\"Capital of France?\",\"expected\":\"Paris\"}\n");
        (int imported, string importOutput) = await CliTests.RunAsync("datasets", "import", "--url", url, "--key", Key, "--name", "golden", "--file", items);
        Assert.True(imported == 0, importOutput);

        (int passed, string output) = await CliTests.RunAsync(
            "eval", "run", "--url", url, "--key", Key, "--dataset", "golden@v1", "--model", "tiny-eval", "--evaluators", "exact_match,token_f1",
            "--max-tokens", "4", "--seed", "2", "--gate", "exact_match.failures<=0");
        Assert.True(passed == 0, output);
        Assert.Contains("2 items of golden", output, StringComparison.Ordinal);
        Assert.Contains("token_f1", output, StringComparison.Ordinal);
        Assert.Contains("gate: passed", output, StringComparison.Ordinal);

        // A random-weight model cannot answer, so a bound on the exact-match rate fails the gate and the exit code.
        (int failed, string gateOutput) = await CliTests.RunAsync(
            "eval", "run", "--url", url, "--key", Key, "--dataset", "golden", "--model", "tiny-eval", "--max-tokens", "4", "--gate", "exact_match.pass_rate>=0.9");
        Assert.Equal(1, failed);
        Assert.Contains("gate: FAILED", gateOutput, StringComparison.Ordinal);

        (int bad, string badOutput) = await CliTests.RunAsync(
            "eval", "run", "--url", url, "--key", Key, "--dataset", "golden", "--model", "tiny-eval", "--gate", "exact_match>>1");
        Assert.Equal(2, bad);
        Assert.StartsWith("myelin: --gate:", badOutput, StringComparison.Ordinal);

        (int missing, string missingOutput) = await CliTests.RunAsync(
            "eval", "run", "--url", url, "--key", Key, "--dataset", "golden", "--model", "nope");
        Assert.Equal(1, missing);
        Assert.Contains("Model 'nope' is not served here", missingOutput, StringComparison.Ordinal);
    }
}
