using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Myelin.Evals.Monitoring;

/// <summary>
/// The connect step of the webhook HTTP client (<see cref="SocketsHttpHandler.ConnectCallback"/>): resolves the target
/// host itself, drops every address <see cref="WebhookAddressScreen"/> blocks and connects only to an address that
/// passed. The address screened is the address connected to, so a name that resolves to a public address when a rule
/// is saved and to an internal one later (DNS rebinding) still never gets a connection.
/// </summary>
/// <remarks>
/// <para>When no address passes, the attempt fails with <see cref="WebhookTargetBlockedException"/> naming each refused
/// address and its range, logged as a warning.</para>
/// <para><see cref="CreateHandler"/> turns redirects off (a 3xx is the attempt's answer, never followed to an unscreened
/// host) and proxies off (through a proxy the connection would go to the proxy, and the proxy would reach the target
/// unscreened). Requests stay on HTTP/1.1 or HTTP/2, whose connections all pass through the callback.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed partial class WebhookConnector
{
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly ILogger _logger;

    /// <summary>Creates the connector.</summary>
    /// <param name="allowPrivateTargets">Whether the operator allows private targets (see <see cref="WebhookAddressScreen"/>).</param>
    /// <param name="logger">Receives a warning for each refused connection.</param>
    /// <param name="resolve">
    /// Resolves a host name to its addresses; <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/> when null.
    /// </param>
    public WebhookConnector(
        bool allowPrivateTargets, ILogger? logger = null, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        AllowPrivateTargets = allowPrivateTargets;
        _logger = logger ?? NullLogger.Instance;
        _resolve = resolve ?? Dns.GetHostAddressesAsync;
    }

    /// <summary>Whether private targets are allowed.</summary>
    public bool AllowPrivateTargets { get; }

    /// <summary>A handler that connects through this connector, follows no redirect and uses no proxy.</summary>
    /// <remarks>The caller owns the handler (an <see cref="HttpClient"/> built over it disposes it).</remarks>
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = ConnectAsync,
        AllowAutoRedirect = false,
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>Resolves, screens and connects; see the type's summary.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        DnsEndPoint endpoint = context.DnsEndPoint;
        string host = endpoint.Host.TrimStart('[').TrimEnd(']');
        IPAddress[] addresses = IPAddress.TryParse(host, out IPAddress? literal)
            ? [literal]
            : await _resolve(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        IReadOnlyList<IPAddress> allowed = WebhookAddressScreen.Allowed(addresses, AllowPrivateTargets, out string? refusal);
        if (allowed.Count == 0)
        {
            LogBlocked(_logger, host, endpoint.Port, refusal!);
            throw new WebhookTargetBlockedException(refusal!);
        }

        // Tried in the resolver's order, as the default connect does for a name with several addresses.
        SocketException? last = null;
        foreach (IPAddress address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    [LoggerMessage(EventId = 6301, Level = LogLevel.Warning, Message = "Webhook connection to {Host}:{Port} refused: {Reason}")]
    private static partial void LogBlocked(ILogger logger, string host, int port, string reason);
}
