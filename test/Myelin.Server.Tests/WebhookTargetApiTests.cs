using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Myelin.Server;

/// <summary>SSRF screening of alert webhooks through the API: blocked literal targets at creation, host names at send time.</summary>
public sealed class WebhookTargetApiTests
{
    private static readonly (string Url, string Reason)[] s_blocked =
    [
        ("http://127.0.0.1:8080/hook", "target address 127.0.0.1 is loopback"),
        ("http://10.0.0.5/hook", "target address 10.0.0.5 is private"),
        ("http://172.20.1.2/hook", "target address 172.20.1.2 is private"),
        ("http://192.168.0.10/hook", "target address 192.168.0.10 is private"),
        ("http://169.254.169.254/latest/meta-data/", "target address 169.254.169.254 is cloud metadata"),
        ("http://100.64.1.1/", "target address 100.64.1.1 is carrier-grade NAT"),
        ("http://0.0.0.0/", "target address 0.0.0.0 is unspecified"),
        ("http://[::1]/hook", "target address ::1 is loopback"),
        ("http://[::ffff:10.0.0.5]/hook", "target address ::ffff:10.0.0.5 is private (IPv4-mapped)"),
        ("http://[::ffff:169.254.169.254]/", "target address ::ffff:169.254.169.254 is cloud metadata (IPv4-mapped)"),
        ("http://[fd00::1]/hook", "target address fd00::1 is unique-local"),
        ("http://[fe80::1]/hook", "target address fe80::1 is link-local"),
        ("http://user:pw@hooks.example.com/hook", "must not carry credentials"),
    ];

    [Fact]
    public async Task A_blocked_webhook_target_is_a_problem_naming_the_field_and_the_reason()
    {
        await using ServerHarness server = await ServerHarness.StartAsync();
        (_, string writer, _) = await server.CreateTenantAsync("hooks");
        HttpClient client = server.Client(writer);

        foreach ((string url, string reason) in s_blocked)
        {
            string detail = await ProblemAssert.IsProblemAsync(
                await client.PutAsJsonAsync(
                    "/api/alerts/rules/r", new { kind = "finding_rate", target = "drift", threshold = 0.3, webhookUrl = url }),
                HttpStatusCode.BadRequest,
                "invalid_alert_rule");
            Assert.True(
                detail.StartsWith("'webhookUrl'", StringComparison.Ordinal) && detail.Contains(reason, StringComparison.Ordinal), $"{url}: {detail}");
        }

        Assert.Empty((await JsonAsync(await client.GetAsync("/api/alerts/rules"))).EnumerateArray());
    }

    [Fact]
    public async Task A_host_name_resolving_to_loopback_is_refused_at_send_time_and_the_delivery_log_says_why()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync(_ => 200);
        await using ServerHarness server = await ServerHarness.StartAsync();

        JsonElement delivery = await FireAsync(server, LocalhostUrl(receiver));

        Assert.Empty(receiver.Requests);
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("statusCode").ValueKind);
        Assert.False(delivery.GetProperty("succeeded").GetBoolean());
        Assert.Equal(1, delivery.GetProperty("attempt").GetInt32());
        Assert.Contains("target address 127.0.0.1 is loopback", delivery.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_private_targets_allowed_the_same_webhook_is_delivered()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync(_ => 200);
        await using ServerHarness server = await ServerHarness.StartAsync(o => o.AllowPrivateWebhookTargets = true);

        JsonElement delivery = await FireAsync(server, LocalhostUrl(receiver));

        Assert.Single(receiver.Requests);
        Assert.Equal((200, true), (delivery.GetProperty("statusCode").GetInt32(), delivery.GetProperty("succeeded").GetBoolean()));
    }

    // "localhost" always resolves to loopback (.NET answers it without DNS), so the rule passes creation as a host name.
    private static string LocalhostUrl(WebhookReceiver receiver) => new UriBuilder(receiver.Url) { Host = "localhost" }.Uri.AbsoluteUri;

    /// <summary>Creates a rule with the webhook, makes it fire in one monitoring cycle and returns the one delivery logged.</summary>
    private static async Task<JsonElement> FireAsync(ServerHarness server, string webhookUrl)
    {
        (_, string writer, _) = await server.CreateTenantAsync("hooks");
        HttpClient client = server.Client(writer);
        (await client.PutAsJsonAsync("/api/monitors/online", new { detectors = new[] { "drift" } })).EnsureSuccessStatusCode();
        HttpResponseMessage created = await client.PutAsJsonAsync(
            "/api/alerts/rules/drift-rate", new { kind = "finding_rate", target = "drift", threshold = 0.3, minCount = 2, webhookUrl });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await OtlpTurns.SendStandardAsync(client);

        JsonElement cycle = await JsonAsync(await client.PostAsync("/api/monitors/run", null));

        Assert.Equal("firing", Assert.Single(cycle.GetProperty("events").EnumerateArray()).GetProperty("state").GetString());
        return Assert.Single((await JsonAsync(await client.GetAsync("/api/alerts/deliveries"))).EnumerateArray());
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        using JsonDocument doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}
