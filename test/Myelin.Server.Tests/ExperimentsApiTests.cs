using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Myelin.Core;
using Myelin.Evals.Evaluators;
using Myelin.Evals.Experiments;

namespace Myelin.Server;

public sealed class ExperimentsApiTests : IAsyncLifetime
{
    private ServerHarness _server = null!;

    public async Task InitializeAsync() => _server = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Stored_runs_are_listed_read_compared_and_gated()
    {
        (string reader, _, _) = await _server.CreateTenantAsync("exp-main");
        await using (SqliteExperimentStore store = SqliteExperimentStore.Open(_server.DataDirectory))
        {
            await store.SaveAsync(new TenantId("exp-main"), Run("base", [1, 1, 1, 0, 1, 1, 0, 1, 1, 1], 0));
            await store.SaveAsync(new TenantId("exp-main"), Run("cand", [1, 0, 0, 0, 1, 0, 0, 1, 0, 1], 1));
        }

        HttpClient client = _server.Client(reader);
        JsonElement list = await GetAsync(client, "/api/experiments?dataset=qa");
        Assert.Equal(["cand", "base"], list.EnumerateArray().Select(r => r.GetProperty("id").GetString()));

        JsonElement run = await GetAsync(client, "/api/experiments/base");
        JsonElement summary = run.GetProperty("summaries")[0];
        Assert.Equal("exact_match", summary.GetProperty("name").GetString());
        Assert.Equal(0.8, summary.GetProperty("mean").GetDouble(), 12);
        Assert.Equal(10, run.GetProperty("items").GetArrayLength());

        JsonElement comparison = await GetAsync(client, "/api/experiments/compare?baseline=base&candidate=cand&seed=3");
        JsonElement metric = comparison.GetProperty("metrics")[0];
        Assert.Equal(-0.4, metric.GetProperty("delta").GetDouble(), 12);
        Assert.True(metric.GetProperty("significantRegression").GetBoolean());
        Assert.Equal(comparison.GetRawText(), (await GetAsync(client, "/api/experiments/compare?baseline=base&candidate=cand&seed=3")).GetRawText());

        HttpResponseMessage gate = await client.PostAsJsonAsync("/api/experiments/cand/gate", new
        {
            thresholds = new object[] { new { metric = "exact_match", minMean = 0.3, maxRegression = 0.05 } },
            baseline = "base",
        });
        JsonElement verdict = JsonDocument.Parse(await gate.Content.ReadAsStringAsync()).RootElement;
        Assert.False(verdict.GetProperty("passed").GetBoolean());
        Assert.Equal(
            ["mean 0.4 >= 0.3: ok", "delta vs baseline -0.4 >= -0.05: FAIL"],
            verdict.GetProperty("checks")[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Bad_requests_get_problems_and_runs_are_tenant_scoped()
    {
        (string reader, _, _) = await _server.CreateTenantAsync("exp-owner");
        (string other, _, _) = await _server.CreateTenantAsync("exp-other");
        await using (SqliteExperimentStore store = SqliteExperimentStore.Open(_server.DataDirectory))
        {
            await store.SaveAsync(new TenantId("exp-owner"), Run("r1", [1, 0], 0));
        }

        HttpClient client = _server.Client(reader);
        await ProblemAssert.IsProblemAsync(await _server.Client(other).GetAsync("/api/experiments/r1"), HttpStatusCode.NotFound, "run_not_found");
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/experiments/compare?baseline=r1"), HttpStatusCode.BadRequest, "missing_runs");
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/experiments/compare?baseline=r1&candidate=r1&resamples=5"), HttpStatusCode.BadRequest, "invalid_resamples");
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/experiments/r1/gate", new { thresholds = Array.Empty<object>() }), HttpStatusCode.BadRequest, "invalid_gate");
        string detail = await ProblemAssert.IsProblemAsync(
            await client.PostAsJsonAsync("/api/experiments/r1/gate", new { thresholds = new object[] { new { metric = "exact_match", maxRegression = 0.1 } } }),
            HttpStatusCode.BadRequest, "invalid_gate");
        Assert.Contains("needs a comparison with a baseline run", detail, StringComparison.Ordinal);
    }

    private static ExperimentRun Run(string id, double[] scores, int minute) => new(
        id,
        id,
        "qa",
        "v",
        DateTimeOffset.UnixEpoch.AddMinutes(minute),
        DateTimeOffset.UnixEpoch.AddMinutes(minute + 1),
        [.. scores.Select((s, i) => new ExperimentItemResult($"i{i}", "q", "a", "x", null, 1, [EvaluationMetric.Scored("exact_match", s, 1)]))]);

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        HttpResponseMessage response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using JsonDocument doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }
}
