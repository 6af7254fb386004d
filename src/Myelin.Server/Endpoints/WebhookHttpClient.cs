namespace Myelin.Server.Endpoints;

/// <summary>The server's one HTTP client for alert webhooks (10 s per attempt), owned and disposed by the container.</summary>
public sealed class WebhookHttpClient : IDisposable
{
    /// <summary>The client.</summary>
    public HttpClient Client { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <inheritdoc />
    public void Dispose() => Client.Dispose();
}
