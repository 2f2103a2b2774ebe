using System.Diagnostics;
using System.Text.Json;

namespace Tether.LoadDriver;

/// <summary>
/// <c>idle</c>: real Tether hosts, each a process of its own, with N OAuth workloads signed in through the CLI against
/// the sandbox (a process of its own too): the host that <c>tether run</c> starts in the background, <c>tether serve</c>
/// in the foreground as the login service runs it, one more host per <c>TETHER_BENCH_B_…</c> … <c>TETHER_BENCH_E_…</c>
/// setting, and one of the build <c>TETHER_BENCH_BASELINE</c> names. After a settle, every host is measured over the same minutes, so that a setting is compared side by side:
/// CPU time from <c>/proc/PID/stat</c>, working set and threads from <c>/proc/PID/status</c>.
/// </summary>
internal static class IdleHost
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(int count, int seconds, CancellationToken cancellationToken)
    {
        var sandboxHome = Directory.CreateTempSubdirectory("tether-idle-sandbox-");
        using var sandbox = Process.Start(ChildProcess.Tether(sandboxHome.FullName, "sandbox", "--format", "json", "--token-lifetime", "1h"))!;
        var hosts = new List<IdleHostChild>();
        try
        {
            var description = await sandbox.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60), cancellationToken)
                ?? throw new InvalidOperationException("the sandbox printed nothing: " + await sandbox.StandardError.ReadToEndAsync(cancellationToken));
            var mcpUrl = new Uri(JsonDocument.Parse(description).RootElement.GetProperty("mcp_url").GetString()!);
            hosts.Add(await IdleHostChild.StartAsync("tether", ChildProcess.Installed, null, foreground: false, cancellationToken));
            hosts.Add(await IdleHostChild.StartAsync("tether-serve", ChildProcess.Installed, null, foreground: true, cancellationToken));
            foreach (var (name, settings) in ChildProcess.Variants())
            {
                hosts.Add(await IdleHostChild.StartAsync(name, ChildProcess.Installed, settings, foreground: false, cancellationToken));
            }

            if (ChildProcess.Baseline is { } older)
            {
                hosts.Add(await IdleHostChild.StartAsync("baseline", older, null, foreground: false, cancellationToken));
            }

            Figures.Line($"== {count} OAuth workloads in each of {hosts.Count} hosts, each host a process of its own ({ChildProcess.Describe()}); {Environment.ProcessorCount} cores, load average {CompareLoad.LoadAverage()}");
            using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
            var clock = Stopwatch.StartNew();
            var failures = await Task.WhenAll(hosts.Select(h => h.AddWorkloadsAsync(mcpUrl, count, browser, cancellationToken)));
            Figures.Line($"signed in with tether run --skip-browser in {clock.Elapsed.TotalSeconds:0} s; load average {CompareLoad.LoadAverage()}");
            foreach (var (host, failed) in hosts.Zip(failures))
            {
                Figures.Line($"{host.Name}: {host.Describe()}; {count - failed.Count} of {count} serving, pid {host.ProcessId}");
                foreach (var line in failed)
                {
                    Figures.Line($"  {line}");
                }
            }

            // Settle: start-up work (tiered JIT finishing, first timers) is not idle cost.
            await Task.Delay(Settle, cancellationToken);
            var settled = hosts.Select(h => ProcessStatus.Read(h.ProcessId)).ToArray();
            var cpuBefore = hosts.Select(h => ProcessCpu.Seconds(h.ProcessId)).ToArray();
            var peak = new long[hosts.Count];
            var loadBefore = CompareLoad.LoadAverage();
            var wall = Stopwatch.StartNew();
            while (wall.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                await Task.Delay(Min(SampleEvery, TimeSpan.FromSeconds(seconds) - wall.Elapsed), cancellationToken);
                for (var i = 0; i < hosts.Count; i++)
                {
                    peak[i] = Math.Max(peak[i], ProcessStatus.Read(hosts[i].ProcessId)?.RssBytes ?? 0);
                }
            }

            var elapsed = wall.Elapsed.TotalSeconds;
            Figures.Line($"== idle over {elapsed:0} s after a {Settle.TotalSeconds:0} s settle (load average {loadBefore} at the start, {CompareLoad.LoadAverage()} at the end); working set = VmRSS");
            var ok = failures.All(f => f.Count == 0);
            for (var i = 0; i < hosts.Count; i++)
            {
                var cpu = (ProcessCpu.Seconds(hosts[i].ProcessId) - cpuBefore[i]) / elapsed * 100;
                if (ProcessStatus.Read(hosts[i].ProcessId) is not { } end)
                {
                    Figures.Line($"{hosts[i].Name,-13} GONE: the host exited during the measurement");
                    ok = false;
                    continue;
                }

                Figures.Line($"{hosts[i].Name,-13} CPU {cpu:0.00} % of one core, working set {Figures.Megabytes(end.RssBytes):0.0} MB (highest sample {Figures.Megabytes(peak[i]):0.0}, after the settle {Figures.Megabytes(settled[i]?.RssBytes ?? 0):0.0}; own pages {Figures.Megabytes(end.AnonBytes):0.0} MB, mapped files {Figures.Megabytes(end.FileBytes):0.0} MB; peak since start {Figures.Megabytes(end.PeakBytes):0.0} MB), {end.Threads} threads");
            }

            Figures.Line($"goal: <= 0.2 % of one core and <= 120 MB working set over 2 minutes after the settle");
            return ok ? 0 : 1;
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }

            sandbox.Kill(entireProcessTree: true);
            await sandbox.WaitForExitAsync(CancellationToken.None);
            sandboxHome.Delete(recursive: true);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
