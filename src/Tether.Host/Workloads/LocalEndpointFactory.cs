using Microsoft.Extensions.Logging;
using Tether.Proxy;
using Tether.Tokens;

namespace Tether.Workloads;

/// <summary>One Kestrel <see cref="LocalEndpoint"/> per workload.</summary>
internal sealed class LocalEndpointFactory(ILoggerFactory loggerFactory) : IWorkloadEndpointFactory
{
    public async Task<IWorkloadEndpoint> StartAsync(LocalEndpointOptions options, IAccessTokenSource tokens, CancellationToken cancellationToken) =>
        new LocalEndpointHandle(await LocalEndpoint.StartAsync(options, tokens, loggerFactory, cancellationToken));
}
