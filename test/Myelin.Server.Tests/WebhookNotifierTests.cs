using System.Security.Cryptography;
using System.Text;
using Myelin.Core;
using Myelin.Evals.Monitoring;
using Myelin.TestUtilities;

namespace Myelin.Server;

/// <summary>Webhook delivery against a real local Kestrel listener, with backoff waits on a manual clock.</summary>
public sealed class WebhookNotifierTests
{
    private const string Secret = "0123456789abcdef-secret";
    private static readonly DateTimeOffset s_now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Failed_attempts_are_retried_with_exponential_backoff_and_the_body_is_signed()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync(n => n <= 2 ? 503 : 204);
        var time = new ManualTimeProvider(s_now);
        using var http = new HttpClient();

        IReadOnlyList<WebhookDelivery> attempts = await DeliverAsync(new WebhookNotifier(http, time), receiver, time);

        Assert.Equal([503, 503, 204], attempts.Select(a => a.StatusCode));
        Assert.Equal([false, false, true], attempts.Select(a => a.Succeeded));
        // Waits of 1 s then 2 s between the attempts, on the manual clock.
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], attempts.Zip(attempts.Skip(1), (a, b) => b.At - a.At));
        Assert.Equal(3, receiver.Requests.Count);
        WebhookReceiver.Request last = receiver.Requests[^1];
        string expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), last.Body));
        Assert.Equal(expected, last.Signature);
        Assert.Equal("alert.firing", last.Event);
        Assert.Contains("\"rule\":\"drift-rate\"", Encoding.UTF8.GetString(last.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delivery_gives_up_after_the_retries_and_does_not_retry_client_errors()
    {
        await using WebhookReceiver failing = await WebhookReceiver.StartAsync(_ => 500);
        var time = new ManualTimeProvider(s_now);
        using var http = new HttpClient();

        IReadOnlyList<WebhookDelivery> attempts = await DeliverAsync(new WebhookNotifier(http, time), failing, time);
        Assert.Equal(WebhookNotifier.MaxRetries + 1, attempts.Count);
        Assert.All(attempts, a => Assert.Equal("HTTP 500", a.Error));

        await using WebhookReceiver rejecting = await WebhookReceiver.StartAsync(_ => 400);
        WebhookDelivery single = Assert.Single(await DeliverAsync(new WebhookNotifier(http, time), rejecting, time));
        Assert.Equal(400, single.StatusCode);
    }

    [Fact]
    public async Task An_unreachable_receiver_is_logged_as_a_transport_error()
    {
        var time = new ManualTimeProvider(s_now);
        using var http = new HttpClient();
        var rule = Rule(new Uri($"http://127.0.0.1:{FreePort.Next()}/hook"));
        Task<IReadOnlyList<WebhookDelivery>> delivery = new WebhookNotifier(http, time).DeliverAsync(new TenantId("acme"), rule, Event());
        IReadOnlyList<WebhookDelivery> attempts = await PumpAsync(delivery, time);

        Assert.Equal(WebhookNotifier.MaxRetries + 1, attempts.Count);
        Assert.All(attempts, a => Assert.Null(a.StatusCode));
        Assert.All(attempts, a => Assert.False(string.IsNullOrEmpty(a.Error)));
    }

    private static Task<IReadOnlyList<WebhookDelivery>> DeliverAsync(WebhookNotifier notifier, WebhookReceiver receiver, ManualTimeProvider time) =>
        PumpAsync(notifier.DeliverAsync(new TenantId("acme"), Rule(new Uri(receiver.Url)), Event()), time);

    // Backoff waits are the only timers on the manual clock: whenever one is pending, move the clock exactly to it. The
    // clock stands still otherwise, so attempt times (read from it) are exact whatever the machine's speed.
    private static async Task<IReadOnlyList<WebhookDelivery>> PumpAsync(Task<IReadOnlyList<WebhookDelivery>> delivery, ManualTimeProvider time)
    {
        while (!delivery.IsCompleted)
        {
            if (time.NextDue is { } due)
            {
                time.Advance(due - time.GetUtcNow());
            }
            else
            {
                await Task.WhenAny(delivery, Task.Delay(5));
            }
        }

        return await delivery;
    }

    private static AlertRule Rule(Uri url) => new()
    {
        Name = "drift-rate",
        Target = "drift",
        Threshold = 0.3,
        WebhookUrl = url,
        Secret = Secret,
    };

    private static AlertEvent Event() => new(7, "drift-rate", AlertState.Firing, s_now, 10, 4, 0.4, 0.3);
}
