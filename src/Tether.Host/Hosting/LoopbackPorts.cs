using System.Net;
using System.Net.Sockets;

namespace Tether.Hosting;

/// <summary>Ports on 127.0.0.1: a free one to keep (local endpoints, sign-in callbacks), or whether one is free.</summary>
internal static class LoopbackPorts
{
    /// <summary>A port nothing listens on right now (the caller binds it next; a race with another program is possible and reported then).</summary>
    public static int Free()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>Whether <paramref name="port"/> can be bound on 127.0.0.1 now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
