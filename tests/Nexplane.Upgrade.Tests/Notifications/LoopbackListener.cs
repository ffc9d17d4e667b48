using System.Net;
using System.Net.Sockets;

namespace Nexplane.Upgrade.Tests.Notifications;

/// <summary>An HttpListener on a free 127.0.0.1 port, for the tests' stand-in servers.</summary>
static class LoopbackListener
{
    /// <summary>
    /// Started on a port found free. That port may be taken before the listener binds it (the suites run side by
    /// side), so another is tried.
    /// </summary>
    public static (HttpListener Listener, int Port) Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    /// <summary>A 127.0.0.1 port nothing listened on a moment ago.</summary>
    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
