using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.AI;
using Myelin.Core;
using Myelin.Inference;
using Myelin.Inference.Benchmarking;
using Myelin.Inference.Remote;
using Myelin.Models.Tokenization;
using Spectre.Console;

namespace Myelin.Cli.Commands;

/// <summary><c>myelin bench replay</c>: replays a multi-session agent trace against any OpenAI-compatible server.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "API base ending in /v1 (Myelin, vLLM, Ollama, llama.cpp's server...).", Required = true };
        var model = new Option<string>("--model") { Description = "Model id to request.", Required = true };
        var key = new Option<string?>("--key") { Description = "Bearer key (defaults to MYELIN_API_KEY)." };
        var sessions = new Option<int>("--sessions") { Description = "Concurrent agent sessions in the trace.", DefaultValueFactory = _ => 3 };
        var turns = new Option<int>("--turns") { Description = "Turns per session.", DefaultValueFactory = _ => 4 };
        var systemWords = new Option<int>("--system-words") { Description = "Words in the shared system prompt (about 1.3 tokens each).", DefaultValueFactory = _ => 1200 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Answer length per turn.", DefaultValueFactory = _ => 24 };
        var seed = new Option<int>("--seed") { Description = "Seed of the trace and of sampling.", DefaultValueFactory = _ => 1 };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "The served GGUF file, to compute the ideal (tree-shaped) reuse locally." };
        var replay = new Command("replay", "Replay an interleaved multi-session agent trace and report TTFT, ITL, throughput, goodput and cache reuse.")
        {
            url, model, key, sessions, turns, systemWords, maxTokens, seed, tokenizer,
        };
        replay.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(url)!, result.GetValue(model)!, result.GetValue(key) ?? Environment.GetEnvironmentVariable("MYELIN_API_KEY"),
            result.GetValue(sessions), result.GetValue(turns), result.GetValue(systemWords), result.GetValue(maxTokens), result.GetValue(seed),
            result.GetValue(tokenizer), cancellationToken));
        return new Command("bench", "Measure a running server.") { replay };
    }

    private static async Task<int> RunAsync(
        string url, string model, string? key, int sessions, int turns, int systemWords, int maxTokens, int seed, string? tokenizerPath,
        CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new MyelinValidationException("invalid_option", $"--url: '{url}' is not an http(s) address.");
        }

        if (sessions is < 1 or > 256 || turns is < 1 or > 256 || systemWords < 1 || maxTokens < 1)
        {
            throw new MyelinValidationException("invalid_option", "--sessions and --turns must be 1-256; --system-words and --max-tokens at least 1.");
        }

        (Tokenizer, ChatTemplate)? local = null;
        if (tokenizerPath is not null)
        {
            using InferenceModel file = InferenceModel.Open(tokenizerPath);
            TokenizerVocabulary vocabulary = TokenizerVocabulary.FromGguf(file.File);
            local = (Tokenizer.Create(vocabulary), ChatTemplate.Detect(vocabulary.ChatTemplate));
        }

        AgentTrace trace = AgentTrace.Generate(seed, sessions, turns, systemWords);
        using var client = new OpenAICompatibleChatClient(new OpenAICompatibleChatClientOptions { Endpoint = endpoint, Model = model, ApiKey = key });
        var options = new ChatOptions { MaxOutputTokens = maxTokens, Temperature = 0, Seed = seed };
        ReplayReport report = await AnsiConsole.Progress().StartAsync(async progress =>
        {
            ProgressTask task = progress.AddTask("Replaying", maxValue: sessions * turns);
            return await AgentReplay.RunAsync(client, trace, options, local, (done, _) => task.Value = done, cancellationToken);
        });

        var table = new Table().AddColumns("metric", "value");
        table.AddRow("requests", report.Results.Count.ToString(CultureInfo.InvariantCulture));
        table.AddRow("TTFT p50 / p95", $"{Ms(report.TtftP50)} / {Ms(report.TtftP95)}");
        table.AddRow("TTFT p50 from turn 2 on", Ms(report.TtftP50LaterTurns));
        table.AddRow("ITL p50 / p95", $"{Ms(report.ItlP50)} / {Ms(report.ItlP95)}");
        table.AddRow("output tokens/s", report.OutputTokensPerSecond.ToString("F1", CultureInfo.InvariantCulture));
        table.AddRow("goodput (TTFT ≤ 2 s, ITL p95 ≤ 200 ms)", report.Goodput.ToString("F2", CultureInfo.InvariantCulture) + " req/s");
        table.AddRow("prompt tokens reused (server)", report.CacheReuse.ToString("P1", CultureInfo.InvariantCulture));
        if (report.IdealReuse is { } ideal)
        {
            table.AddRow("ideal tree-shaped reuse", ideal.ToString("P1", CultureInfo.InvariantCulture));
            table.AddRow("reuse / ideal", report.ReuseOfIdeal?.ToString("F3", CultureInfo.InvariantCulture) ?? "-");
        }

        AnsiConsole.Write(table);
        return 0;
    }

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture) + " ms";
}
