using Tether.Proxy;

namespace Tether.Workloads;

/// <summary>A <see cref="LocalEndpoint"/> seen through <see cref="IWorkloadEndpoint"/>.</summary>
internal sealed class LocalEndpointHandle(LocalEndpoint endpoint) : IWorkloadEndpoint
{
    public Uri Url => endpoint.Url;

    public ValueTask DisposeAsync() => endpoint.DisposeAsync();
}
