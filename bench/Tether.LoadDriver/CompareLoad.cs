namespace Tether.LoadDriver;

/// <summary>
/// <c>compare</c>: the same MCP traffic straight to a server, through nginx injecting the bearer, and through a
/// workload's local endpoint in Tether's real background host, each server and proxy in a process of its own. The load
/// is generated three times: from this process, from a generator in a process of its own, and from a Node MCP client
/// (the MCP TypeScript SDK, when <c>bench/node-client/install.sh</c> has run). For a <c>tools/call</c>
/// answered with JSON and one answered with an event stream, at each concurrency: a warm-up of every target, then rounds
/// in which the three run one after another in a rotating order, so that whatever else the machine does falls on all
/// three alike. Throughput is the median round; latency percentiles are over all rounds; each proxy's CPU time per
/// request is read from <c>/proc</c> around its rounds.
/// </summary>
internal static class CompareLoad
{
    public static async Task<int> RunAsync(int seconds, int rounds, int warmup, bool nodeServer, CancellationToken cancellationToken)
    {
        using var upstream = nodeServer
            ? await ChildServer.StartNodeAsync(BenchUpstream.Token, cancellationToken)
            : await ChildServer.StartAsync(cancellationToken, "upstream-child");
        await using var tether = await TetherHostChild.StartAsync(upstream.Url, BenchUpstream.Token, cancellationToken);
        var settings = ChildProcess.Variant();
        await using var tetherB = settings is null ? null : await TetherHostChild.StartAsync(upstream.Url, BenchUpstream.Token, cancellationToken, settings);
        using var nginx = await NginxProxy.StartAsync(upstream.Url, BenchUpstream.Token, cancellationToken);
        var processes = new Processes(upstream.ProcessId, nginx.ProcessId, tether.ProcessId, tetherB?.ProcessId ?? 0);
        if (settings is not null)
        {
            Figures.Line($"tether-b: a second host with {string.Join(' ', settings.Select(e => e.Key + "=" + e.Value))}, in the same rotation");
        }

        Figures.Line($"server: {(nodeServer ? "an MCP server on the MCP TypeScript SDK (bench/node-client/server.mjs, Node " + NodeVersion() + ")" : "the driver's own minimal MCP server (.NET)")}");
        Figures.Line($"== direct vs nginx (bearer injected) vs Tether: {Environment.ProcessorCount} cores, load average {LoadAverage()}; server, nginx and Tether's host (tether run --bearer-token) each in its own process; {rounds} rounds of {seconds} s after {warmup} s warm-up each");
        var summary = new List<FormattableString>();

        // The first calls after the host started (its ReadyToRun code not yet tiered up), before any warm-up.
        foreach (var (name, host) in new[] { ("tether", tether), ("tether-b", tetherB) })
        {
            if (host is not null)
            {
                using var first = new McpTarget(name, host.Url, null);
                await first.InitializeAsync(cancellationToken);
                var cold = await first.RunAsync(1, TimeSpan.FromSeconds(2), cancellationToken);
                summary.Add($"first 2 s after the host started, 1 caller: {name} {cold.RequestsPerSecond:0} req/s, p50 {cold.P50:0.000} ms, p99 {cold.P99:0.000} ms ({cold.LatenciesMs.Length} calls); load average {LoadAverage()}");
            }
        }

        var ok = true;
        var run = new Run(seconds, rounds, warmup, processes, summary);
        ok &= await run.AllAsync("load from this process", (name, url, bearer, tool) => new McpTarget(name, url, bearer, tool), upstream.Url, nginx.Url, tether.Url, tetherB?.Url, cancellationToken);
        using (var generator = GeneratorChild.Start())
        {
            ok &= await run.AllAsync("load from another process", generator.Target, upstream.Url, nginx.Url, tether.Url, tetherB?.Url, cancellationToken);
        }

        // As the issue's users see it: a Node MCP client (the MCP TypeScript SDK), whose own time per call is part of
        // every figure, as it is for the clients people run.
        using (var node = GeneratorChild.StartNode())
        {
            if (node is null)
            {
                Figures.Line($"== load from a Node MCP client: skipped (run bench/node-client/install.sh first)");
            }
            else
            {
                ok &= await run.AllAsync("load from a Node MCP client (MCP TypeScript SDK)", node.Target, upstream.Url, nginx.Url, tether.Url, tetherB?.Url, cancellationToken);
            }
        }

        Figures.Line($"== summary (load average at the end {LoadAverage()})");
        foreach (var line in summary)
        {
            Figures.Line(line);
        }

        Figures.Line($"{(ok ? "every call answered 200 with its echo" : "SOME CALLS FAILED")}");
        return ok ? 0 : 1;
    }

    private static string NodeVersion()
    {
        using var node = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var version = node.StandardOutput.ReadToEnd().Trim();
        node.WaitForExit();
        return version;
    }

    /// <summary>The 1, 5 and 15 minute load averages (Linux), for the record beside every figure.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private sealed record Processes(int Upstream, int Nginx, int Tether, int TetherB);

    private sealed class Run(int seconds, int rounds, int warmup, Processes processes, List<FormattableString> summary)
    {
        public async Task<bool> AllAsync(string generator, Func<string, Uri, string?, string, ILoadTarget> open, Uri upstream, Uri nginx, Uri tether, Uri? tetherB, CancellationToken cancellationToken)
        {
            Figures.Line($"== {generator} (load average {LoadAverage()})");
            var ok = true;
            foreach (var tool in new[] { "echo", "stream" })
            {
                using var direct = open("direct", upstream, BenchUpstream.Token, tool);
                using var viaNginx = open("nginx", nginx, null, tool);
                using var viaTether = open("tether", tether, null, tool);
                using var viaTetherB = tetherB is null ? null : open("tether-b", tetherB, null, tool);
                ILoadTarget[] targets = viaTetherB is null ? [direct, viaNginx, viaTether] : [direct, viaNginx, viaTether, viaTetherB];
                foreach (var target in targets)
                {
                    await target.InitializeAsync(cancellationToken);
                }

                foreach (var concurrency in new[] { 1, 32 })
                {
                    ok &= await OneAsync(generator, tool, concurrency, targets, cancellationToken);
                }
            }

            return ok;
        }

        private async Task<bool> OneAsync(string generator, string tool, int concurrency, ILoadTarget[] targets, CancellationToken cancellationToken)
        {
            foreach (var target in targets)
            {
                await target.RunAsync(concurrency, TimeSpan.FromSeconds(warmup), cancellationToken);
            }

            var ok = true;
            var runs = new List<LoadResult>();
            var cpu = new Dictionary<string, (double Proxy, double Server)>(StringComparer.Ordinal);
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < targets.Length; i++)
                {
                    var target = targets[(round + i) % targets.Length];
                    var proxyPid = target.Name switch { "nginx" => processes.Nginx, "tether" => processes.Tether, "tether-b" => processes.TetherB, _ => 0 };
                    var (proxyBefore, serverBefore) = (proxyPid == 0 ? 0 : ProcessCpu.Seconds(proxyPid), ProcessCpu.Seconds(processes.Upstream));
                    var result = await target.RunAsync(concurrency, TimeSpan.FromSeconds(seconds), cancellationToken);
                    var (proxyAfter, serverAfter) = (proxyPid == 0 ? 0 : ProcessCpu.Seconds(proxyPid), ProcessCpu.Seconds(processes.Upstream));
                    var spent = cpu.GetValueOrDefault(target.Name);
                    cpu[target.Name] = (spent.Proxy + proxyAfter - proxyBefore, spent.Server + serverAfter - serverBefore);
                    Figures.Line($"  {tool,-6} round {round + 1}: {result.Target,-8} c={concurrency,-2} {result.RequestsPerSecond,8:0} req/s  p50 {result.P50,7:0.000} ms  p99 {result.P99,7:0.000} ms  errors {result.Errors}  load {LoadAverage()}");
                    runs.Add(result);
                    ok &= result.Errors == 0;
                }
            }

            var d = Merge(runs, "direct");
            var n = Merge(runs, "nginx");
            var t = Merge(runs, "tether");
            double PerRequest(string name, double secondsSpent) => secondsSpent * 1e6 / runs.Where(r => r.Target == name).Sum(r => r.LatenciesMs.Length);
            var answer = tool == "echo" ? "JSON answer" : $"SSE answer ({BenchUpstream.StreamedEvents} events + result)";
            summary.Add($"{generator}, {answer}, concurrency {concurrency}: direct {d.RequestsPerSecond:0} req/s, nginx {n.RequestsPerSecond:0}, Tether {t.RequestsPerSecond:0}; Tether/direct {t.RequestsPerSecond / d.RequestsPerSecond:0.00} (goal >= 0.95), Tether/nginx {t.RequestsPerSecond / n.RequestsPerSecond:0.00} (goal >= 1.0), nginx/direct {n.RequestsPerSecond / d.RequestsPerSecond:0.00}; added p50/p99 ms: nginx +{n.P50 - d.P50:0.000}/+{n.P99 - d.P99:0.000}, Tether +{t.P50 - d.P50:0.000}/+{t.P99 - d.P99:0.000}; CPU per request: server {PerRequest("direct", cpu["direct"].Server):0} us, nginx {PerRequest("nginx", cpu["nginx"].Proxy):0} us, Tether's host {PerRequest("tether", cpu["tether"].Proxy):0} us; load average {LoadAverage()}");
            if (cpu.ContainsKey("tether-b"))
            {
                var b = Merge(runs, "tether-b");
                summary.Add($"  tether-b: {b.RequestsPerSecond:0} req/s, {b.RequestsPerSecond / t.RequestsPerSecond:0.00} of tether, {b.RequestsPerSecond / n.RequestsPerSecond:0.00} of nginx; added p50/p99 ms +{b.P50 - d.P50:0.000}/+{b.P99 - d.P99:0.000}; CPU per request {PerRequest("tether-b", cpu["tether-b"].Proxy):0} us");
            }

            return ok;
        }

        private static LoadResult Merge(List<LoadResult> runs, string target)
        {
            var mine = runs.Where(r => r.Target == target).ToList();
            return new(target, mine[0].Concurrency, mine.Select(r => r.RequestsPerSecond).Order().ElementAt(mine.Count / 2), mine.SelectMany(r => r.LatenciesMs).Order().ToArray(), mine.Sum(r => r.Errors));
        }
    }
}
