using System.Diagnostics;
using System.Globalization;
using Tether.Sandbox;

namespace Tether.LoadDriver;

/// <summary>
/// <c>tether stdio NAME</c> against mcp-remote, both spawned as an MCP client spawns them and both in front of the same
/// sandbox server (a static bearer token for each, so that neither signs in): spawn to the <c>initialize</c> answer,
/// sequential <c>tools/call</c> throughput and p50, and the bridge's resident memory. Runs alternate between the two.
/// </summary>
internal static class StdioLoad
{
    public static async Task<int> RunAsync(int runs, int calls, CancellationToken cancellationToken)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { AccessTokenLifetime = TimeSpan.FromHours(2) }, cancellationToken);
        var token = await SandboxToken.SignInAsync(sandbox, cancellationToken);
        var home = Directory.CreateTempSubdirectory("tether-stdio-").FullName;
        using var host = Process.Start(ChildProcess.Tether(home, "serve"))!;
        try
        {
            await ListTiming.WaitForHostAsync(home, cancellationToken);
            await ListTiming.TimeAsync(home, cancellationToken, "run", sandbox.McpUrl.AbsoluteUri, "--name", "bench", "--bearer-token", token);
            var remote = McpRemote.Find();
            var bridges = new List<(string Name, Func<ProcessStartInfo> Start)> { ("tether", () => ChildProcess.Tether(home, "stdio", "bench")) };
            if (ChildProcess.Baseline is { } baseline)
            {
                bridges.Add(("baseline", () => ChildProcess.TetherAt(baseline, home, "stdio", "bench")));
            }

            if (remote is not null)
            {
                bridges.Add(("mcp-remote", () => McpRemote.Start(remote, sandbox.McpUrl, token, home)));
            }

            var cold = bridges.ToDictionary(b => b.Name, _ => new List<double>());
            var ready = bridges.ToDictionary(b => b.Name, _ => new List<double>());
            for (var i = 0; i < runs + 1; i++)
            {
                foreach (var (name, start) in bridges)
                {
                    var clock = Stopwatch.StartNew();
                    await using var peer = StdioPeer.Start(start());
                    await peer.InitializeAsync(cancellationToken);
                    var initialized = clock.Elapsed.TotalMilliseconds;

                    // What a client does next, before it can show the server's tools.
                    await peer.ListToolsAsync(cancellationToken);
                    if (i > 0)
                    {
                        cold[name].Add(initialized);
                        ready[name].Add(clock.Elapsed.TotalMilliseconds);
                    }
                }
            }

            Figures.Line($"== stdio bridges in front of the same sandbox server ({Environment.ProcessorCount} cores; tether host running, {runs} spawns each after one warm-up, alternating; tether: {ChildProcess.Describe()})");
            foreach (var (name, _) in bridges)
            {
                var sorted = cold[name].Order().ToArray();
                var listed = ready[name].Order().ToArray();
                Figures.Line($"  {name,-10} spawn to initialize answer: median {Figures.Percentile(sorted, 0.5),6:0} ms, p90 {Figures.Percentile(sorted, 0.9),6:0} ms, min {sorted[0],6:0} ms{(name == "tether" ? "   (goal <= 150 ms)" : "")}");
                Figures.Line($"  {name,-10} spawn to tools/list answer:  median {Figures.Percentile(listed, 0.5),6:0} ms, p90 {Figures.Percentile(listed, 0.9),6:0} ms, min {listed[0],6:0} ms");
            }

            foreach (var (name, start) in bridges)
            {
                await using var peer = StdioPeer.Start(start());
                await peer.InitializeAsync(cancellationToken);
                for (var i = 0; i < Math.Min(calls, 200); i++)
                {
                    await peer.EchoAsync(string.Create(CultureInfo.InvariantCulture, $"warm-{i}"), cancellationToken);
                }

                var latencies = new double[calls];
                var total = Stopwatch.StartNew();
                for (var i = 0; i < calls; i++)
                {
                    var one = Stopwatch.GetTimestamp();
                    await peer.EchoAsync(string.Create(CultureInfo.InvariantCulture, $"call-{i}"), cancellationToken);
                    latencies[i] = Figures.Milliseconds(Stopwatch.GetTimestamp() - one);
                }

                var seconds = total.Elapsed.TotalSeconds;
                Array.Sort(latencies);
                Figures.Line($"  {name,-10} {calls} sequential tools/call: {calls / seconds,6:0} calls/s, p50 {Figures.Percentile(latencies, 0.5),6:0.00} ms, p99 {Figures.Percentile(latencies, 0.99),6:0.00} ms; bridge resident memory {Figures.Megabytes(peer.ResidentBytes()),5:0.0} MB");
            }

            host.Refresh();
            Figures.Line($"  tether host (shared by every workload and bridge): resident memory {Figures.Megabytes(host.WorkingSet64):0.0} MB");
            if (remote is null)
            {
                Figures.Line($"  mcp-remote not installed: run bench/mcp-remote/install.sh (npm) for the side-by-side figures");
            }

            await ListTiming.TimeAsync(home, cancellationToken, "serve", "--stop");
            return 0;
        }
        finally
        {
            if (!host.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                host.Kill(entireProcessTree: true);
            }

            Directory.Delete(home, recursive: true);
        }
    }
}
