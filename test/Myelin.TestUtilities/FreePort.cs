using System.Net;
using System.Net.Sockets;

namespace Myelin.TestUtilities;

/// <summary>Finds a TCP port on the loopback interface that nothing listens on right now.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
