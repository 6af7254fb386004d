using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Myelin.Server;

public sealed class MonitoringApiTests : IAsyncLifetime
{
    private ServerHarness _server = null!;

    // The webhook test posts to a receiver on 127.0.0.1, which only an operator's switch lets a webhook reach.
    public async Task InitializeAsync() => _server = await ServerHarness.StartAsync(o => o.AllowPrivateWebhookTargets = true);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_monitor_scores_ingested_traces_which_then_filter_by_finding_and_score()
    {
        (string reader, string writer, _) = await _server.CreateTenantAsync("mon-flow");
        HttpClient write = _server.Client(writer);
        HttpClient read = _server.Client(reader);
        Assert.Equal(HttpStatusCode.Created, (await write.PutAsJsonAsync(
            "/api/monitors/online", new { detectors = new[] { "drift" }, evaluators = new[] { "answer_relevance" }, annotate = new[] { "drift" } })).StatusCode);
        await OtlpTurns.SendStandardAsync(write);

        JsonElement cycle = await JsonAsync(await write.PostAsync("/api/monitors/run", null));
        Assert.Equal(3, cycle.GetProperty("pass").GetProperty("evaluated").GetInt32());
        Assert.Equal(1, cycle.GetProperty("pass").GetProperty("findings").GetInt32());

        Assert.Equal([OtlpTurns.TraceId(2)], await TraceIdsAsync(read, "/api/traces?finding=drift"));
        Assert.Equal([OtlpTurns.TraceId(2)], await TraceIdsAsync(read, "/api/traces?score=" + Uri.EscapeDataString("answer_relevance<0.5")));
        Assert.Equal(
            [OtlpTurns.TraceId(3), OtlpTurns.TraceId(1)],
            await TraceIdsAsync(read, "/api/traces?score=" + Uri.EscapeDataString("answer_relevance>=0.5") + "&score=" + Uri.EscapeDataString("drift<0.5")));
        await ProblemAssert.IsProblemAsync(await read.GetAsync("/api/traces?score=relevance~0.5"), HttpStatusCode.BadRequest, "invalid_score_filter");
        await ProblemAssert.IsProblemAsync(await read.GetAsync("/api/traces?score=relevance<2"), HttpStatusCode.BadRequest, "invalid_score_filter");

        JsonElement rate = await JsonAsync(await read.GetAsync("/api/monitors/rates?name=drift&windowMinutes=60"));
        Assert.Equal((3, 1), (rate.GetProperty("traces").GetInt64(), rate.GetProperty("flagged").GetInt64()));
        JsonElement[] results = [.. (await JsonAsync(await read.GetAsync($"/api/traces/{OtlpTurns.TraceId(2)}/results"))).EnumerateArray()];
        Assert.Contains(results, r => r.GetProperty("name").GetString() == "drift" && r.GetProperty("flagged").GetBoolean());

        // Another tenant sees none of it.
        (string otherReader, _, _) = await _server.CreateTenantAsync("mon-other");
        HttpClient other = _server.Client(otherReader);
        Assert.Empty((await JsonAsync(await other.GetAsync("/api/monitors"))).EnumerateArray());
        Assert.Empty((await JsonAsync(await other.GetAsync($"/api/traces/{OtlpTurns.TraceId(2)}/results"))).EnumerateArray());
        Assert.Empty((await JsonAsync(await other.GetAsync("/api/annotations"))).EnumerateArray());
    }

    [Fact]
    public async Task Annotators_claim_and_label_queued_traces_and_agreement_follows()
    {
        (_, string writer, _) = await _server.CreateTenantAsync("mon-annotate");
        HttpClient client = _server.Client(writer);
        (await client.PutAsJsonAsync("/api/monitors/online", new { detectors = new[] { "drift" }, annotate = new[] { "drift" } })).EnsureSuccessStatusCode();
        await OtlpTurns.SendStandardAsync(client);
        (await client.PostAsync("/api/monitors/run", null)).EnsureSuccessStatusCode();
        HttpResponseMessage manual = await client.PostAsJsonAsync("/api/annotations", new { traceId = OtlpTurns.TraceId(3), name = "drift", reason = "spot check" });
        Assert.Equal(HttpStatusCode.Created, manual.StatusCode);

        JsonElement claimed = await JsonAsync(await client.PostAsync("/api/annotations/claim", null));
        Assert.Equal((OtlpTurns.TraceId(2), "claimed"), (claimed.GetProperty("traceId").GetString(), claimed.GetProperty("status").GetString()));
        long id = claimed.GetProperty("id").GetInt64();
        await ProblemAssert.IsProblemAsync(
            await client.PostAsJsonAsync($"/api/annotations/{id}/complete", new { comment = "no label" }), HttpStatusCode.BadRequest, "invalid_annotation");
        JsonElement done = await JsonAsync(await client.PostAsJsonAsync($"/api/annotations/{id}/complete", new { label = "flagged", comment = "bananas" }));
        Assert.Equal("completed", done.GetProperty("status").GetString());
        await ProblemAssert.IsProblemAsync(
            await client.PostAsJsonAsync($"/api/annotations/{id}/complete", new { label = "ok" }), HttpStatusCode.Conflict, "annotation_completed");
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/annotations/999999/claim", null), HttpStatusCode.NotFound, "annotation_not_found");

        JsonElement next = await JsonAsync(await client.PostAsync("/api/annotations/claim", null));
        await client.PostAsJsonAsync($"/api/annotations/{next.GetProperty("id").GetInt64()}/complete", new { label = "ok" });
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/annotations/claim", null)).StatusCode);

        // Feedback by hand on trace 1 disagrees with the detector (ok): pairs (flagged, flagged), (ok, ok), (ok, flagged).
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync(
            $"/api/traces/{OtlpTurns.TraceId(1)}/feedback", new { label = "flagged", evaluator = "drift", thumbs = "down" })).StatusCode);
        JsonElement agreement = Assert.Single((await JsonAsync(await client.GetAsync("/api/agreement"))).EnumerateArray());
        Assert.Equal(("drift", 3), (agreement.GetProperty("evaluator").GetString(), agreement.GetProperty("pairs").GetInt32()));
        // p_o = 2/3; machine: flagged 1/3, ok 2/3; human: flagged 2/3, ok 1/3; p_e = 4/9; κ = 0.4.
        Assert.Equal(0.4, agreement.GetProperty("kappa").GetDouble(), 9);
        JsonElement[] feedback = [.. (await JsonAsync(await client.GetAsync($"/api/traces/{OtlpTurns.TraceId(2)}/feedback"))).EnumerateArray()];
        Assert.Equal("bananas", Assert.Single(feedback).GetProperty("comment").GetString());
    }

    [Fact]
    public async Task Invalid_input_is_a_problem_and_readers_cannot_write()
    {
        (string reader, string writer, _) = await _server.CreateTenantAsync("mon-invalid");
        HttpClient client = _server.Client(writer);
        await ProblemAssert.IsProblemAsync(
            await client.PutAsJsonAsync("/api/monitors/m", new { detectors = new[] { "telepathy" } }), HttpStatusCode.BadRequest, "invalid_monitor");
        await ProblemAssert.IsProblemAsync(
            await client.PutAsJsonAsync("/api/monitors/m", new { samplingRate = 1.5, detectors = new[] { "drift" } }), HttpStatusCode.BadRequest, "invalid_monitor");
        await ProblemAssert.IsProblemAsync(
            await client.PutAsJsonAsync("/api/monitors/Bad%20Name", new { detectors = new[] { "drift" } }), HttpStatusCode.BadRequest, "invalid_monitor");
        await ProblemAssert.IsProblemAsync(
            await client.PutAsJsonAsync("/api/alerts/rules/r", new { kind = "finding_rate", target = "drift", threshold = 0.5, webhookUrl = "ftp://x" }),
            HttpStatusCode.BadRequest, "invalid_alert_rule");
        await ProblemAssert.IsProblemAsync(
            await client.PutAsJsonAsync("/api/alerts/rules/r", new { kind = "sometimes", target = "drift", threshold = 0.5 }),
            HttpStatusCode.BadRequest, "invalid_alert_rule");
        await ProblemAssert.IsProblemAsync(
            await client.PutAsJsonAsync("/api/alerts/rules/r", new { kind = "score_below", target = "x", threshold = 0.5, windowMinutes = 0 }),
            HttpStatusCode.BadRequest, "invalid_alert_rule");
        await ProblemAssert.IsProblemAsync(
            await client.PostAsJsonAsync($"/api/traces/{OtlpTurns.TraceId(1)}/feedback", new { thumbs = "sideways" }), HttpStatusCode.BadRequest, "invalid_feedback");
        await ProblemAssert.IsProblemAsync(
            await client.PostAsJsonAsync("/api/traces/xyz/feedback", new { thumbs = "up" }), HttpStatusCode.BadRequest, "invalid_trace_id");
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/monitors/rates"), HttpStatusCode.BadRequest, "missing_name");
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/annotations?status=lost"), HttpStatusCode.BadRequest, "invalid_status");
        await ProblemAssert.IsProblemAsync(await client.DeleteAsync("/api/monitors/none"), HttpStatusCode.NotFound, "monitor_not_found");

        HttpClient readOnly = _server.Client(reader);
        await ProblemAssert.IsProblemAsync(
            await readOnly.PutAsJsonAsync("/api/monitors/m", new { detectors = new[] { "drift" } }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await readOnly.PostAsync("/api/annotations/claim", null), HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty((await JsonAsync(await readOnly.GetAsync("/api/monitors"))).EnumerateArray());
    }

    [Fact]
    public async Task An_alert_rule_with_a_webhook_gets_a_secret_once_and_fires_into_the_delivery_log()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => 200);
        (_, string writer, _) = await _server.CreateTenantAsync("mon-alert");
        HttpClient client = _server.Client(writer);
        (await client.PutAsJsonAsync("/api/monitors/online", new { detectors = new[] { "drift" } })).EnsureSuccessStatusCode();
        HttpResponseMessage created = await client.PutAsJsonAsync(
            "/api/alerts/rules/drift-rate", new { kind = "finding_rate", target = "drift", threshold = 0.3, windowMinutes = 60, minCount = 2, webhookUrl = receiver.Url });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string secret = (await JsonAsync(created)).GetProperty("secret").GetString()!;
        Assert.Equal(64, secret.Length);
        JsonElement listed = Assert.Single((await JsonAsync(await client.GetAsync("/api/alerts/rules"))).EnumerateArray());
        Assert.True(!listed.TryGetProperty("secret", out JsonElement listedSecret) || listedSecret.ValueKind == JsonValueKind.Null);
        Assert.Equal("ok", listed.GetProperty("state").GetString());

        await OtlpTurns.SendStandardAsync(client);
        JsonElement cycle = await JsonAsync(await client.PostAsync("/api/monitors/run", null));

        JsonElement fired = Assert.Single(cycle.GetProperty("events").EnumerateArray());
        Assert.Equal("firing", fired.GetProperty("state").GetString());
        WebhookReceiver.Request request = Assert.Single(receiver.Requests);
        Assert.Equal(Myelin.Evals.Monitoring.WebhookNotifier.Sign(secret, request.Body), request.Signature);
        using JsonDocument body = JsonDocument.Parse(request.Body);
        Assert.Equal(("alert.firing", "drift-rate", "mon-alert"), (
            body.RootElement.GetProperty("type").GetString(), body.RootElement.GetProperty("rule").GetString(), body.RootElement.GetProperty("tenant").GetString()));
        JsonElement delivery = Assert.Single((await JsonAsync(await client.GetAsync("/api/alerts/deliveries"))).EnumerateArray());
        Assert.Equal((200, true), (delivery.GetProperty("statusCode").GetInt32(), delivery.GetProperty("succeeded").GetBoolean()));
        Assert.Equal("firing", Assert.Single((await JsonAsync(await client.GetAsync("/api/alerts/rules"))).EnumerateArray()).GetProperty("state").GetString());

        // Firing is deduplicated: a further cycle sends nothing.
        Assert.Empty((await JsonAsync(await client.PostAsync("/api/monitors/run", null))).GetProperty("events").EnumerateArray());
        Assert.Single(receiver.Requests);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        using JsonDocument doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    private static async Task<string[]> TraceIdsAsync(HttpClient client, string url) =>
        [.. (await JsonAsync(await client.GetAsync(url))).GetProperty("traces").EnumerateArray().Select(t => t.GetProperty("traceId").GetString()!)];
}
