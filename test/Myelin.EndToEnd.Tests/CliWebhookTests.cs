using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Myelin.TestUtilities;

namespace Myelin.EndToEnd;

/// <summary><c>myelin serve --allow-private-webhooks</c>: the operator's switch reaches the server; without it private targets are refused.</summary>
public sealed class CliWebhookTests
{
    private const string Key = "cli-webhooks-key-0123456789abc";

    [Fact]
    public async Task Serve_refuses_a_private_webhook_target_unless_started_with_allow_private_webhooks()
    {
        using var directory = new TempDirectory("myelin-cli-webhooks");
        var rule = new { kind = "finding_rate", target = "drift", threshold = 0.3, webhookUrl = "http://10.1.2.3:8080/hook" };

        await using (ServerProcess strict = await ServerProcess.StartAsync(directory.Combine("strict"), Key, CancellationToken.None))
        {
            using HttpClient client = Client(strict);
            HttpResponseMessage refused = await client.PutAsJsonAsync("/api/alerts/rules/r", rule);
            string body = await refused.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("target address 10.1.2.3 is private", body, StringComparison.Ordinal);
        }

        await using ServerProcess open = await ServerProcess.StartAsync(
            directory.Combine("open"), Key, CancellationToken.None, ["--allow-private-webhooks"]);
        using HttpClient openClient = Client(open);
        HttpResponseMessage created = await openClient.PutAsJsonAsync("/api/alerts/rules/r", rule);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
    }

    private static HttpClient Client(ServerProcess server)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return client;
    }
}
