using Microsoft.Extensions.Logging.Abstractions;
using Tether.Proxy;
using Tether.Sandbox;
using Tether.Workloads;

namespace Tether.LoadDriver;

/// <summary>
/// JSON-RPC <c>tools/call</c> posts straight to the sandbox's MCP server and through a local endpoint in front of it,
/// at the same concurrency, alternating three times after a warm-up of each: requests/s as a ratio of the median
/// rounds, and the latency the endpoint adds (percentiles over all rounds).
/// </summary>
internal static class ProxyLoad
{
    private const int Rounds = 3;

    public static async Task<int> RunAsync(int concurrency, int seconds, int warmup, CancellationToken cancellationToken)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { AccessTokenLifetime = TimeSpan.FromHours(1) }, cancellationToken);
        var token = await SandboxToken.SignInAsync(sandbox, cancellationToken);
        var tokens = new WorkloadTokenSource("load");
        tokens.UseStatic(token);
        await using var endpoint = await LocalEndpoint.StartAsync(new LocalEndpointOptions("load", sandbox.McpUrl, 0, []), tokens, NullLoggerFactory.Instance, cancellationToken);
        using var direct = new McpTarget("direct", sandbox.McpUrl, token);
        using var proxied = new McpTarget("proxy", endpoint.Url, null);
        await direct.InitializeAsync(cancellationToken);
        await proxied.InitializeAsync(cancellationToken);

        Figures.Line($"== tools/call echo: straight to the sandbox vs through the local endpoint ({Environment.ProcessorCount} cores, one process)");
        var ok = true;
        foreach (var c in new[] { concurrency, 1 })
        {
            await direct.RunAsync(c, TimeSpan.FromSeconds(warmup), cancellationToken);
            await proxied.RunAsync(c, TimeSpan.FromSeconds(warmup), cancellationToken);
            var runs = new List<LoadResult>();
            for (var round = 0; round < Rounds; round++)
            {
                foreach (var target in new[] { direct, proxied })
                {
                    var result = await target.RunAsync(c, TimeSpan.FromSeconds(seconds), cancellationToken);
                    result.Print();
                    runs.Add(result);
                    ok &= result.Errors == 0;
                }
            }

            var d = Merge(runs.Where(r => r.Target == "direct").ToList());
            var p = Merge(runs.Where(r => r.Target == "proxy").ToList());
            Figures.Line($"concurrency {c}: direct {d.RequestsPerSecond:0} req/s, proxy {p.RequestsPerSecond:0} req/s, ratio {p.RequestsPerSecond / d.RequestsPerSecond:0.00} (goal >= 0.85); added p50 {p.P50 - d.P50:0.000} ms (goal <= 0.2), added p99 {p.P99 - d.P99:0.000} ms");
        }

        Figures.Line($"{(ok ? "every call answered 200 with its echo" : "SOME CALLS FAILED")}");
        return ok ? 0 : 1;
    }

    private static LoadResult Merge(List<LoadResult> runs) =>
        new(runs[0].Target, runs[0].Concurrency, runs.Select(r => r.RequestsPerSecond).Order().ElementAt(runs.Count / 2), runs.SelectMany(r => r.LatenciesMs).Order().ToArray(), runs.Sum(r => r.Errors));
}
