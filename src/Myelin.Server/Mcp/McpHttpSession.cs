using ModelContextProtocol.Server;
using Myelin.Core;

namespace Myelin.Server.Mcp;

/// <summary>
/// One streamable HTTP session: the SDK's server transport, the MCP server running over it, and the API key that opened it
/// (every later request must come with the same key).
/// </summary>
internal sealed class McpHttpSession : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private long _lastUsedTicks;
    private int _active;
    private int _disposed;

    public McpHttpSession(string id, Principal owner, StreamableHttpServerTransport transport, McpServer server, TimeProvider time)
    {
        Id = id;
        Owner = owner;
        Transport = transport;
        Server = server;
        _lastUsedTicks = time.GetUtcNow().UtcTicks;
        _run = server.RunAsync(_stop.Token);
    }

    public string Id { get; }

    public Principal Owner { get; }

    public StreamableHttpServerTransport Transport { get; }

    public McpServer Server { get; }

    public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

    /// <summary>Whether a request is being served (such a session is never evicted for idleness).</summary>
    public bool IsActive => Volatile.Read(ref _active) > 0;

    /// <summary>Marks a request as started; dispose the result when it ends.</summary>
    public Lease Use(TimeProvider time)
    {
        Interlocked.Increment(ref _active);
        Interlocked.Exchange(ref _lastUsedTicks, time.GetUtcNow().UtcTicks);
        return new Lease(this, time);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await Transport.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The run loop ends by cancellation when the session closes.
        }

        await Server.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>Ends one request's use of the session.</summary>
    public readonly struct Lease(McpHttpSession session, TimeProvider time) : IDisposable
    {
        public void Dispose()
        {
            Interlocked.Exchange(ref session._lastUsedTicks, time.GetUtcNow().UtcTicks);
            Interlocked.Decrement(ref session._active);
        }
    }
}
