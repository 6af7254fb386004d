using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Myelin.Inference.Models;
using Myelin.Models.Formats;
using Myelin.Models.Tokenization;
using Myelin.TestUtilities;

namespace Myelin.Server;

/// <summary>Runs started over HTTP: against a served model and against a remote endpoint with a judge, plus bad requests.</summary>
public sealed class ExperimentRunsApiTests : IAsyncLifetime
{
    private readonly TempDirectory _models = new("myelin-run-models");
    private ServerHarness _server = null!;

    public async Task InitializeAsync()
    {
        string path = _models.Combine("tiny-run.gguf");
        TokenizerVocabulary vocabulary = SyntheticVocabulary.BytePair(600);
        var shape = new ModelShape(ModelArchitecture.Llama, vocabulary.Count, 128, 64, 2, 128, 4, 2);
        ModelSynthesizer.Write(new SynthesisOptions(shape, GgmlType.Q8_0, Seed: 3) { Name = "tiny-run", Tokenizer = new VocabularyMetadataSource(vocabulary) }, path);
        _server = await ServerHarness.StartAsync(o => o.ModelPaths.Add(path));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _models.Dispose();
    }

    [Fact]
    public async Task A_run_against_a_served_model_reports_progress_and_stores_the_scored_run()
    {
        (string reader, string writer, _) = await _server.CreateTenantAsync("runs-local");
        HttpClient w = await DatasetAsync(writer);
        HttpResponseMessage started = await w.PostAsJsonAsync("/api/experiments/runs", new
        {
            dataset = "qa",
            target = new { model = "tiny-run" },
            evaluators = new[] { "exact_match", "token_f1" },
            maxTokens = 6,
            seed = 1,
            name = "tiny",
        });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        JsonElement job = await BodyAsync(started);
        Assert.Equal(3, job.GetProperty("total").GetInt32());
        Assert.Equal($"/api/experiments/runs/{job.GetProperty("id").GetString()}", started.Headers.Location?.OriginalString);

        JsonElement done = await WaitAsync(_server.Client(reader), job.GetProperty("id").GetString()!);
        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        Assert.Equal(3, done.GetProperty("completed").GetInt32());
        Assert.Equal(["exact_match", "token_f1"], done.GetProperty("summaries").EnumerateArray().Select(s => s.GetProperty("name").GetString()));

        JsonElement run = await BodyAsync(await _server.Client(reader).GetAsync($"/api/experiments/{done.GetProperty("runId").GetString()}"));
        Assert.Equal("tiny", run.GetProperty("name").GetString());
        Assert.All(run.GetProperty("items").EnumerateArray(), i => Assert.False(string.IsNullOrEmpty(i.GetProperty("output").GetString())));

        // Another tenant sees neither the job nor the run.
        (string other, _, _) = await _server.CreateTenantAsync("runs-other");
        await ProblemAssert.IsProblemAsync(
            await _server.Client(other).GetAsync($"/api/experiments/runs/{job.GetProperty("id").GetString()}"), HttpStatusCode.NotFound, "run_not_found");
    }

    [Fact]
    public async Task A_run_against_a_remote_endpoint_is_scored_by_the_judge()
    {
        await using ScriptedOpenAiServer remote = await ScriptedOpenAiServer.StartAsync(
            new Dictionary<string, string> { ["2+2?"] = "4", ["Capital of France?"] = "Lyon", ["Largest planet?"] = "Jupiter" });
        (string reader, _, string admin) = await _server.CreateTenantAsync("runs-remote");
        HttpClient a = await DatasetAsync(admin);
        HttpResponseMessage started = await a.PostAsJsonAsync("/api/experiments/runs", new
        {
            dataset = "qa",
            version = "v1",
            target = new { model = "scripted", url = remote.BaseAddress.ToString() },
            judge = new { model = "scripted-judge", url = remote.BaseAddress.ToString() },
            evaluators = new[] { "exact_match", "correctness" },
        });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        JsonElement done = await WaitAsync(_server.Client(reader), (await BodyAsync(started)).GetProperty("id").GetString()!);
        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        Dictionary<string, double> means = done.GetProperty("summaries").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("mean").GetDouble());
        Assert.Equal(2 / 3.0, means["exact_match"], 9);
        Assert.Equal(2 / 3.0, means["correctness"], 9);
    }

    [Fact]
    public async Task Bad_run_requests_get_problems_and_start_nothing()
    {
        (string reader, string writer, _) = await _server.CreateTenantAsync("runs-bad");
        HttpClient w = await DatasetAsync(writer);
        (HttpStatusCode Status, string Code, object Body)[] cases =
        [
            (HttpStatusCode.BadRequest, "invalid_run", new { target = new { model = "tiny-run" }, evaluators = new[] { "exact_match" } }),
            (HttpStatusCode.BadRequest, "invalid_evaluators", new { dataset = "qa", target = new { model = "tiny-run" }, evaluators = new[] { "bogus" } }),
            (HttpStatusCode.BadRequest, "invalid_evaluators", new { dataset = "qa", target = new { model = "tiny-run" }, evaluators = Array.Empty<string>() }),
            (HttpStatusCode.BadRequest, "invalid_run", new { dataset = "qa", target = new { model = "tiny-run" }, evaluators = new[] { "correctness" } }),
            (HttpStatusCode.BadRequest, "invalid_prompt", new { dataset = "qa", target = new { model = "tiny-run" }, evaluators = new[] { "exact_match" }, prompt = "no placeholder" }),
            (HttpStatusCode.BadRequest, "invalid_run", new { dataset = "qa", target = new { model = "tiny-run" }, evaluators = new[] { "exact_match" }, maxTokens = 0 }),
            (HttpStatusCode.NotFound, "model_not_found", new { dataset = "qa", target = new { model = "nope" }, evaluators = new[] { "exact_match" } }),
            (HttpStatusCode.NotFound, "dataset_not_found", new { dataset = "missing", target = new { model = "tiny-run" }, evaluators = new[] { "exact_match" } }),
            (HttpStatusCode.Forbidden, "forbidden", new { dataset = "qa", target = new { model = "m", url = "http://127.0.0.1:9/v1" }, evaluators = new[] { "exact_match" } }),
        ];
        foreach ((HttpStatusCode status, string code, object body) in cases)
        {
            await ProblemAssert.IsProblemAsync(await w.PostAsJsonAsync("/api/experiments/runs", body), status, code);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await _server.Client(reader).PostAsJsonAsync("/api/experiments/runs", new { dataset = "qa" })).StatusCode);
        Assert.Empty((await BodyAsync(await _server.Client(reader).GetAsync("/api/experiments"))).EnumerateArray());
    }

    private async Task<HttpClient> DatasetAsync(string key)
    {
        HttpClient client = _server.Client(key);
        (await client.PostAsJsonAsync("/api/datasets", new { name = "qa" })).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/api/datasets/qa/versions", new
        {
            items = new object[]
            {
                new { id = "1", input = "2+2?", expectedOutput = "4" },
                new { id = "2", input = "Capital of France?", expectedOutput = "Paris" },
                new { id = "3", input = "Largest planet?", expectedOutput = "Jupiter" },
            },
        })).EnsureSuccessStatusCode();
        return client;
    }

    private static async Task<JsonElement> WaitAsync(HttpClient client, string jobId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            JsonElement job = await BodyAsync(await client.GetAsync($"/api/experiments/runs/{jobId}", timeout.Token));
            if (job.GetProperty("state").GetString() is "succeeded" or "failed")
            {
                return job;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using JsonDocument doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }
}
