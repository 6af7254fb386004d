using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Myelin.Core;
using Spectre.Console;

namespace Myelin.Cli.Commands;

/// <summary>
/// <c>myelin eval run</c>: starts a run of a dataset version through a model on a running server, shows its progress, prints
/// the metric summaries and checks <c>--gate</c> bounds (exit 1 when one fails).
/// </summary>
internal static class EvalRunCommand
{
    public static Command Create()
    {
        Option<string> url = ServerConnection.UrlOption();
        Option<string?> key = ServerConnection.KeyOption();
        var dataset = new Option<string>("--dataset") { Description = "DATASET or DATASET@VERSION (id, number or 'latest').", Required = true };
        var model = new Option<string>("--model") { Description = "The model under test: one the server serves, or one at --model-url.", Required = true };
        var modelUrl = new Option<string?>("--model-url") { Description = "A remote OpenAI-compatible API base (…/v1) serving --model (admin keys)." };
        var modelKey = new Option<string?>("--model-key") { Description = "Bearer key for --model-url (and --judge-url)." };
        var evaluators = new Option<string>("--evaluators") { Description = "Comma-separated evaluators, e.g. exact_match,token_f1,correctness.", DefaultValueFactory = _ => "exact_match" };
        var judgeModel = new Option<string?>("--judge-model") { Description = "The judge for correctness, relevance and judged groundedness." };
        var judgeUrl = new Option<string?>("--judge-url") { Description = "A remote OpenAI-compatible API base serving --judge-model (admin keys)." };
        var prompt = new Option<string?>("--prompt") { Description = "User template with {{input}} (and {{context}}, {{metadata.KEY}})." };
        var system = new Option<string?>("--system") { Description = "System prompt template." };
        var name = new Option<string?>("--name") { Description = "Display name of the run." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens per answer.", DefaultValueFactory = _ => 64 };
        var seed = new Option<long?>("--seed") { Description = "Sampling seed." };
        var gates = new Option<string[]>("--gate") { Description = "A bound the run must meet: METRIC.mean>=X, METRIC.pass_rate>=X or METRIC.failures<=N (repeatable)." };
        var command = new Command("run", "Run a dataset version through a model, score it and check gates.")
        {
            url, key, dataset, model, modelUrl, modelKey, evaluators, judgeModel, judgeUrl, prompt, system, name, maxTokens, seed, gates,
        };
        command.SetAction((r, ct) => RunAsync(
            r.GetValue(url)!,
            r.GetValue(key),
            new RunSettings(
                r.GetValue(dataset)!, r.GetValue(model)!, r.GetValue(modelUrl), r.GetValue(modelKey), r.GetValue(evaluators)!, r.GetValue(judgeModel),
                r.GetValue(judgeUrl), r.GetValue(prompt), r.GetValue(system), r.GetValue(name), r.GetValue(maxTokens), r.GetValue(seed)),
            r.GetValue(gates) ?? [],
            ct));
        return command;
    }

    private static async Task<int> RunAsync(string url, string? key, RunSettings settings, string[] gateTexts, CancellationToken cancellationToken)
    {
        GateSpec[] gates = [.. gateTexts.Select(GateSpec.Parse)];
        using ServerConnection server = ServerConnection.Open(url, key);
        using var body = new StringContent(settings.ToJson(), Encoding.UTF8, "application/json");
        string started = await server.SendAsync(HttpMethod.Post, "/api/experiments/runs", body, cancellationToken);
        string jobId;
        using (JsonDocument job = JsonDocument.Parse(started))
        {
            jobId = job.RootElement.GetProperty("id").GetString()!;
        }

        JsonElement final = await FollowAsync(server, jobId, cancellationToken);
        if (final.GetProperty("state").GetString() != "succeeded")
        {
            throw new MyelinException("run_failed", $"The run failed: {Text(final, "error")}");
        }

        string runId = final.GetProperty("runId").GetString()!;
        AnsiConsole.MarkupLine($"Run [bold]{Markup.Escape(runId)}[/]: {Text(final, "total")} items of {Markup.Escape(Text(final, "dataset"))}, {Text(final, "targetFailures")} target failures");
        var table = new Table().AddColumns("metric", "scored", "mean", "pass rate", "failures");
        foreach (JsonElement summary in final.GetProperty("summaries").EnumerateArray())
        {
            table.AddRow(Markup.Escape(Text(summary, "name")), Text(summary, "count"), Number(summary, "mean"), Number(summary, "passRate"), Text(summary, "failures"));
        }

        AnsiConsole.Write(table);
        return gates.Length == 0 ? 0 : await GateAsync(server, runId, gates, cancellationToken);
    }

    private static async Task<JsonElement> FollowAsync(ServerConnection server, string jobId, CancellationToken cancellationToken)
    {
        string path = $"/api/experiments/runs/{Uri.EscapeDataString(jobId)}";
        JsonElement state = default;
        await AnsiConsole.Progress().StartAsync(async progress =>
        {
            ProgressTask task = progress.AddTask("Running", maxValue: 1);
            while (true)
            {
                using JsonDocument job = JsonDocument.Parse(await server.SendAsync(HttpMethod.Get, path, null, cancellationToken));
                state = job.RootElement.Clone();
                task.MaxValue = Math.Max(1, state.GetProperty("total").GetInt32());
                task.Value = state.GetProperty("completed").GetInt32();
                if (state.GetProperty("state").GetString() is "succeeded" or "failed")
                {
                    task.StopTask();
                    return;
                }

                await Task.Delay(200, cancellationToken);
            }
        });
        return state;
    }

    private static async Task<int> GateAsync(ServerConnection server, string runId, GateSpec[] gates, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("thresholds");
            foreach (GateSpec gate in gates)
            {
                gate.Write(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        using var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new("application/json");
        using JsonDocument verdict = JsonDocument.Parse(
            await server.SendAsync(HttpMethod.Post, $"/api/experiments/{Uri.EscapeDataString(runId)}/gate", content, cancellationToken));
        bool passed = verdict.RootElement.GetProperty("passed").GetBoolean();
        foreach (JsonElement check in verdict.RootElement.GetProperty("checks").EnumerateArray())
        {
            string reasons = string.Join("; ", check.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
            Console.WriteLine($"gate {Text(check, "metric")}: {(check.GetProperty("passed").GetBoolean() ? "pass" : "FAIL")} ({reasons})");
        }

        Console.WriteLine(passed ? "gate: passed" : "gate: FAILED");
        return passed ? 0 : CliRunner.Failure;
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText() : "-";

    private static string Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.TryGetDouble(out double d) ? d.ToString("F3", CultureInfo.InvariantCulture) : "-";

    private sealed record RunSettings(
        string Dataset, string Model, string? ModelUrl, string? ModelKey, string Evaluators, string? JudgeModel, string? JudgeUrl,
        string? Prompt, string? System, string? Name, int MaxTokens, long? Seed)
    {
        public string ToJson()
        {
            int at = Dataset.LastIndexOf('@');
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("dataset", at > 0 ? Dataset[..at] : Dataset);
                w.WriteString("version", at > 0 ? Dataset[(at + 1)..] : "latest");
                WriteModel(w, "target", Model, ModelUrl, ModelKey);
                if (JudgeModel is not null)
                {
                    WriteModel(w, "judge", JudgeModel, JudgeUrl, ModelKey);
                }

                w.WriteStartArray("evaluators");
                foreach (string evaluator in Evaluators.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    w.WriteStringValue(evaluator);
                }

                w.WriteEndArray();
                Optional(w, "prompt", Prompt);
                Optional(w, "systemPrompt", System);
                Optional(w, "name", Name);
                w.WriteNumber("maxTokens", MaxTokens);
                if (Seed is { } seed)
                {
                    w.WriteNumber("seed", seed);
                }

                w.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        private static void WriteModel(Utf8JsonWriter w, string name, string model, string? url, string? key)
        {
            w.WriteStartObject(name);
            w.WriteString("model", model);
            Optional(w, "url", url);
            Optional(w, "apiKey", url is null ? null : key);
            w.WriteEndObject();
        }

        private static void Optional(Utf8JsonWriter w, string name, string? value)
        {
            if (value is not null)
            {
                w.WriteString(name, value);
            }
        }
    }
}
