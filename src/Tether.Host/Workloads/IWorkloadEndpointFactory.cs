using Tether.Proxy;
using Tether.Tokens;

namespace Tether.Workloads;

/// <summary>Opens a workload's local endpoint (the seam between a workload's owner and how endpoints are hosted).</summary>
internal interface IWorkloadEndpointFactory
{
    /// <summary>Starts answering on <see cref="LocalEndpointOptions.Port"/> with tokens from <paramref name="tokens"/>.</summary>
    /// <exception cref="LocalEndpointPortInUseException">The port is taken.</exception>
    Task<IWorkloadEndpoint> StartAsync(LocalEndpointOptions options, IAccessTokenSource tokens, CancellationToken cancellationToken);
}
