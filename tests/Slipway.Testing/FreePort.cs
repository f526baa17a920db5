using System.Net;
using System.Net.Sockets;

namespace Slipway.Testing;

internal static class FreePort
{
    /// <summary>A port free on 127.0.0.1 right now. Another process may take it before the caller binds it,
    /// so callers retry on "address in use".</summary>
    public static int Find()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
