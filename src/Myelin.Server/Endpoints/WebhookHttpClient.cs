using Myelin.Evals.Monitoring;
using Myelin.Hosting;

namespace Myelin.Server.Endpoints;

/// <summary>
/// The server's one HTTP client for alert webhooks (10 s per attempt), owned and disposed by the container. It connects
/// through a <see cref="WebhookConnector"/>, so only addresses <see cref="WebhookAddressScreen"/> passes are reached
/// (private ones too when <see cref="MyelinOptions.AllowPrivateWebhookTargets"/> is on), and follows no redirect.
/// </summary>
public sealed class WebhookHttpClient(MyelinOptions options, ILogger<WebhookConnector> logger) : IDisposable
{
    /// <summary>The client.</summary>
    public HttpClient Client { get; } = new(new WebhookConnector(options.AllowPrivateWebhookTargets, logger).CreateHandler())
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <inheritdoc />
    public void Dispose() => Client.Dispose();
}
