using Microsoft.Extensions.Logging.Abstractions;
using Tether.Proxy;
using Tether.Workloads;

namespace Tether.LoadDriver;

/// <summary>
/// Tether's local endpoint in a process of its own, in front of <paramref name="remote"/>, with a fixed bearer: the
/// same request path as a workload in the host (token source, forwarder, transformer), without sign-in.
/// </summary>
internal static class EndpointChild
{
    public static async Task<int> RunAsync(Uri remote)
    {
        var tokens = new WorkloadTokenSource("bench");
        tokens.UseStatic(BenchUpstream.Token);
        await using var endpoint = await LocalEndpoint.StartAsync(new LocalEndpointOptions("bench", remote, 0, []), tokens, NullLoggerFactory.Instance, CancellationToken.None);
        await ChildServer.AnnounceAndWaitAsync(endpoint.Url);
        return 0;
    }
}
