using System.Net;
using Myelin.Core;
using Microsoft.Extensions.Logging;
using Myelin.Evals.Monitoring;

namespace Myelin.Server;

/// <summary>
/// Webhook delivery through the screening connector, against a real loopback listener; host names resolve through a
/// fake resolver, so what the connector sees is fixed by the test.
/// </summary>
public sealed class WebhookConnectorTests
{
    private const string Secret = "0123456789abcdef-secret";
    private static readonly DateTimeOffset s_now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_name_resolving_to_a_private_address_is_refused_once_with_the_reason_and_not_retried()
    {
        var resolver = new FakeResolver { ["hooks.example"] = [IPAddress.Parse("10.0.0.5")] };
        var logger = new CapturingLogger();
        using var http = new HttpClient(new WebhookConnector(allowPrivateTargets: false, logger, resolver.ResolveAsync).CreateHandler());

        IReadOnlyList<WebhookDelivery> attempts = await DeliverAsync(http, new Uri("http://hooks.example/hook"));

        WebhookDelivery single = Assert.Single(attempts);
        Assert.Null(single.StatusCode);
        Assert.Equal("target address 10.0.0.5 is private", single.Error);
        Assert.Equal(1, resolver.Calls);
        (LogLevel Level, string Message) logged = Assert.Single(logger.Entries);
        Assert.Equal((LogLevel.Warning, "Webhook connection to hooks.example:80 refused: target address 10.0.0.5 is private"), logged);
    }

    [Fact]
    public async Task A_bracketed_IPv6_literal_is_screened_as_an_address()
    {
        var resolver = new FakeResolver();
        using var http = new HttpClient(new WebhookConnector(allowPrivateTargets: false, resolve: resolver.ResolveAsync).CreateHandler());

        WebhookDelivery single = Assert.Single(await DeliverAsync(http, new Uri("http://[::ffff:169.254.169.254]:8080/hook")));

        Assert.Equal("target address ::ffff:169.254.169.254 is cloud metadata (IPv4-mapped)", single.Error);
        Assert.Equal(0, resolver.Calls);
    }

    [Fact]
    public async Task Every_refused_address_of_a_name_is_named()
    {
        var resolver = new FakeResolver { ["meta.example"] = [IPAddress.Parse("169.254.169.254"), IPAddress.Parse("::ffff:127.0.0.1")] };
        using var http = new HttpClient(new WebhookConnector(allowPrivateTargets: false, resolve: resolver.ResolveAsync).CreateHandler());

        WebhookDelivery single = Assert.Single(await DeliverAsync(http, new Uri("http://meta.example/hook")));

        Assert.Equal(
            "target address 169.254.169.254 is cloud metadata; target address ::ffff:127.0.0.1 is loopback (IPv4-mapped)", single.Error);
    }

    [Fact]
    public async Task A_literal_loopback_target_is_refused_without_resolving_and_the_receiver_sees_nothing()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync(_ => 200);
        var resolver = new FakeResolver();
        using var http = new HttpClient(new WebhookConnector(allowPrivateTargets: false, resolve: resolver.ResolveAsync).CreateHandler());

        WebhookDelivery single = Assert.Single(await DeliverAsync(http, new Uri(receiver.Url)));

        Assert.Equal("target address 127.0.0.1 is loopback", single.Error);
        Assert.Empty(receiver.Requests);
        Assert.Equal(0, resolver.Calls);
    }

    [Fact]
    public async Task With_private_targets_allowed_the_connector_reaches_the_resolved_loopback_receiver()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync(_ => 204);
        var resolver = new FakeResolver { ["receiver.test"] = [IPAddress.Parse("127.0.0.1")] };
        using var http = new HttpClient(new WebhookConnector(allowPrivateTargets: true, resolve: resolver.ResolveAsync).CreateHandler());
        var url = new UriBuilder(receiver.Url) { Host = "receiver.test" }.Uri;

        WebhookDelivery single = Assert.Single(await DeliverAsync(http, url));

        Assert.Equal((204, true), (single.StatusCode, single.Succeeded));
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task With_private_targets_allowed_cloud_metadata_stays_refused()
    {
        var resolver = new FakeResolver { ["imds.example"] = [IPAddress.Parse("169.254.169.254")] };
        using var http = new HttpClient(new WebhookConnector(allowPrivateTargets: true, resolve: resolver.ResolveAsync).CreateHandler());

        WebhookDelivery single = Assert.Single(await DeliverAsync(http, new Uri("http://imds.example/latest/meta-data/")));

        Assert.Equal("target address 169.254.169.254 is cloud metadata", single.Error);
    }

    [Fact]
    public async Task A_redirect_is_the_attempts_answer_and_is_not_followed()
    {
        await using WebhookReceiver elsewhere = await WebhookReceiver.StartAsync(_ => 200);
        await using WebhookReceiver redirecting = await WebhookReceiver.StartAsync(_ => 307, location: elsewhere.Url);
        using var http = new HttpClient(new WebhookConnector(allowPrivateTargets: true).CreateHandler());

        WebhookDelivery single = Assert.Single(await DeliverAsync(http, new Uri(redirecting.Url)));

        Assert.Equal((307, "HTTP 307"), (single.StatusCode, single.Error));
        Assert.Single(redirecting.Requests);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task A_large_answer_body_is_not_read()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync(_ => 200, bodyBytes: 1 << 20);
        // A buffer limit far below the body: reading the body would fail the attempt.
        using var http = new HttpClient(new WebhookConnector(allowPrivateTargets: true).CreateHandler())
        {
            MaxResponseContentBufferSize = 1024,
        };

        WebhookDelivery single = Assert.Single(await DeliverAsync(http, new Uri(receiver.Url)));

        Assert.Equal((200, true), (single.StatusCode, single.Succeeded));
    }

    // Retries would follow at once (no backoff), so a regression shows as extra attempts rather than a wait.
    private static Task<IReadOnlyList<WebhookDelivery>> DeliverAsync(HttpClient http, Uri url) =>
        new WebhookNotifier(http, TimeProvider.System, firstRetryDelay: TimeSpan.Zero).DeliverAsync(
            new TenantId("acme"),
            new AlertRule { Name = "drift-rate", Target = "drift", Threshold = 0.3, WebhookUrl = url, Secret = Secret },
            new AlertEvent(7, "drift-rate", AlertState.Firing, s_now, 10, 4, 0.4, 0.3));

    private sealed class CapturingLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }

    private sealed class FakeResolver : Dictionary<string, IPAddress[]>
    {
        public FakeResolver()
            : base(StringComparer.OrdinalIgnoreCase)
        {
        }

        public int Calls { get; private set; }

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(TryGetValue(host, out IPAddress[]? addresses) ? addresses : []);
        }
    }
}
