namespace Tether.LoadDriver;

/// <summary>
/// <c>compare</c>: the same MCP traffic straight to a server, through nginx injecting the bearer, and through a
/// workload's local endpoint in Tether's real background host, each server and proxy in a process of its own and the load generated in this one. For a
/// <c>tools/call</c> answered with JSON and one answered with an event stream, at each concurrency: a warm-up of every
/// target, then rounds in which the three run one after another in a rotating order, so that whatever else the machine
/// does falls on all three alike. Throughput is the median round; latency percentiles are over all rounds.
/// </summary>
internal static class CompareLoad
{
    public static async Task<int> RunAsync(int seconds, int rounds, int warmup, CancellationToken cancellationToken)
    {
        using var upstream = await ChildServer.StartAsync(cancellationToken, "upstream-child");
        await using var tether = await TetherHostChild.StartAsync(upstream.Url, BenchUpstream.Token, cancellationToken);
        using var nginx = await NginxProxy.StartAsync(upstream.Url, BenchUpstream.Token, cancellationToken);
        Figures.Line($"== direct vs nginx (bearer injected) vs Tether: {Environment.ProcessorCount} cores; server, nginx and Tether's host (tether run --bearer-token) each in its own process; load from this one; {rounds} rounds of {seconds} s after {warmup} s warm-up each");
        var ok = true;
        var summary = new List<FormattableString>();
        foreach (var tool in new[] { "echo", "stream" })
        {
            using var direct = new McpTarget("direct", upstream.Url, BenchUpstream.Token, tool);
            using var viaNginx = new McpTarget("nginx", nginx.Url, null, tool);
            using var viaTether = new McpTarget("tether", tether.Url, null, tool);
            McpTarget[] targets = [direct, viaNginx, viaTether];
            foreach (var target in targets)
            {
                await target.InitializeAsync(cancellationToken);
            }

            if (tool == "echo")
            {
                // The first calls after the host started (its ReadyToRun code not yet tiered up), before any warm-up.
                var cold = await viaTether.RunAsync(1, TimeSpan.FromSeconds(2), cancellationToken);
                summary.Add($"first 2 s after the host started, 1 caller: Tether {cold.RequestsPerSecond:0} req/s, p50 {cold.P50:0.000} ms, p99 {cold.P99:0.000} ms ({cold.LatenciesMs.Length} calls)");
            }

            foreach (var concurrency in new[] { 1, 32 })
            {
                foreach (var target in targets)
                {
                    await target.RunAsync(concurrency, TimeSpan.FromSeconds(warmup), cancellationToken);
                }

                var runs = new List<LoadResult>();
                for (var round = 0; round < rounds; round++)
                {
                    for (var i = 0; i < targets.Length; i++)
                    {
                        var result = await targets[(round + i) % targets.Length].RunAsync(concurrency, TimeSpan.FromSeconds(seconds), cancellationToken);
                        Figures.Line($"  {tool,-6} round {round + 1}: {result.Target,-6} c={concurrency,-2} {result.RequestsPerSecond,8:0} req/s  p50 {result.P50,7:0.000} ms  p99 {result.P99,7:0.000} ms  errors {result.Errors}");
                        runs.Add(result);
                        ok &= result.Errors == 0;
                    }
                }

                var d = Merge(runs, "direct");
                var n = Merge(runs, "nginx");
                var t = Merge(runs, "tether");
                var answer = tool == "echo" ? "JSON answer" : $"SSE answer ({BenchUpstream.StreamedEvents} events + result)";
                summary.Add($"{answer}, concurrency {concurrency}: direct {d.RequestsPerSecond:0} req/s, nginx {n.RequestsPerSecond:0}, Tether {t.RequestsPerSecond:0}; Tether/direct {t.RequestsPerSecond / d.RequestsPerSecond:0.00} (goal >= 0.95), Tether/nginx {t.RequestsPerSecond / n.RequestsPerSecond:0.00} (goal >= 1.0), nginx/direct {n.RequestsPerSecond / d.RequestsPerSecond:0.00}; added p50/p99 ms: nginx +{n.P50 - d.P50:0.000}/+{n.P99 - d.P99:0.000}, Tether +{t.P50 - d.P50:0.000}/+{t.P99 - d.P99:0.000}");
            }
        }

        Figures.Line($"== summary");
        foreach (var line in summary)
        {
            Figures.Line(line);
        }

        Figures.Line($"{(ok ? "every call answered 200 with its echo" : "SOME CALLS FAILED")}");
        return ok ? 0 : 1;
    }

    private static LoadResult Merge(List<LoadResult> runs, string target)
    {
        var mine = runs.Where(r => r.Target == target).ToList();
        return new(target, mine[0].Concurrency, mine.Select(r => r.RequestsPerSecond).Order().ElementAt(mine.Count / 2), mine.SelectMany(r => r.LatenciesMs).Order().ToArray(), mine.Sum(r => r.Errors));
    }
}
