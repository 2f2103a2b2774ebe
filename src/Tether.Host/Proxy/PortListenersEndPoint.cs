using System.Net;

namespace Tether.Proxy;

/// <summary>The one endpoint Kestrel is told to listen on: it stands for every workload's loopback port at once.</summary>
internal sealed class PortListenersEndPoint : EndPoint
{
    public override string ToString() => "tether-local-endpoints";
}
