using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Myelin.Server;

/// <summary>A real Kestrel listener on a loopback port that records webhook posts and answers with a scripted status.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Request> _requests = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url => _app.Urls.First() + "/hook";

    public IReadOnlyList<Request> Requests => [.. _requests];

    /// <summary>
    /// Starts the listener; <paramref name="status"/> maps the 1-based request number to the status to answer, sent with a
    /// <c>Location</c> header when <paramref name="location"/> is given and a body of <paramref name="bodyBytes"/> zeros.
    /// </summary>
    public static async Task<WebhookReceiver> StartAsync(Func<int, int> status, string? location = null, int bodyBytes = 0)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            receiver._requests.Enqueue(new Request(
                buffer.ToArray(), context.Request.Headers["X-Myelin-Signature"].ToString(), context.Request.Headers["X-Myelin-Event"].ToString()));
            if (location is not null)
            {
                context.Response.Headers.Location = location;
            }

            context.Response.StatusCode = status(receiver._requests.Count);
            if (bodyBytes > 0)
            {
                await context.Response.Body.WriteAsync(new byte[bodyBytes]);
            }
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Request(byte[] Body, string Signature, string Event);
}
