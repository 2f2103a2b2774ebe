using System.Diagnostics;
using System.Text.Json;
using Tether.Api;
using Tether.Configuration;
using Tether.Hosting;

namespace Tether.LoadDriver;

/// <summary>
/// A host (in this process) with N OAuth workloads signed in against the sandbox (a child process, so that its memory
/// is not counted): idle memory, CPU and threads once everything is running.
/// </summary>
internal static class IdleHost
{
    public static async Task<int> RunAsync(int count, int seconds, CancellationToken cancellationToken)
    {
        var home = Directory.CreateTempSubdirectory("tether-idle-");
        Environment.SetEnvironmentVariable("TETHER_KEY_SOURCE", "file");
        using var sandbox = Process.Start(ChildProcess.Tether(home.FullName, "sandbox", "--format", "json", "--token-lifetime", "1h"))!;
        try
        {
            var description = await sandbox.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60), cancellationToken)
                ?? throw new InvalidOperationException("the sandbox printed nothing: " + await sandbox.StandardError.ReadToEndAsync(cancellationToken));
            var mcpUrl = JsonDocument.Parse(description).RootElement.GetProperty("mcp_url").GetString()!;
            var baseline = Figures.SettledWorkingSet();
            await using var host = await TetherHost.StartAsync(
                new TetherHostOptions { Paths = new TetherPaths(Path.Combine(home.FullName, "host")), Advertise = false, RestoreWorkloads = false }, cancellationToken);
            using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                await host.Workloads.RunAsync(new RunWorkloadRequest { Url = mcpUrl, Name = $"w{i:000}" }, cancellationToken);
                await SignInAsync(host, $"w{i:000}", browser, cancellationToken);
            }

            var views = host.Workloads.List(all: true);
            var running = views.Count(v => v.Status == "running");
            Figures.Line($"== {count} OAuth workloads in one host, signed in against the sandbox in {clock.Elapsed.TotalSeconds:0.0} s: {running} running");
            foreach (var failed in views.Where(v => v.Status != "running"))
            {
                Figures.Line($"  {failed.Name}: {failed.Status} ({failed.StatusReason})");
            }

            // Settle: start-up work (tiered JIT finishing, first timers) is not idle cost.
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            var settled = Figures.SettledWorkingSet();
            using var self = Process.GetCurrentProcess();
            var cpuBefore = self.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
            self.Refresh();
            var cpu = (self.TotalProcessorTime - cpuBefore).TotalMilliseconds / wall.Elapsed.TotalMilliseconds * 100;
            Figures.Line($"idle over {seconds} s: CPU {cpu:0.00} % of one core, working set {Figures.Megabytes(self.WorkingSet64):0.0} MB (process before the host: {Figures.Megabytes(baseline):0.0} MB; after settling: {Figures.Megabytes(settled):0.0} MB), managed heap {Figures.Megabytes(GC.GetGCMemoryInfo().HeapSizeBytes):0.0} MB, threads {self.Threads.Count}");
            var gc = GC.GetConfigurationVariables();
            Figures.Line($"runtime: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, concurrent {System.Runtime.GCSettings.LatencyMode != System.Runtime.GCLatencyMode.Batch}, gen0 size {Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? "default"}, GC committed {Figures.Megabytes(GC.GetGCMemoryInfo().TotalCommittedBytes):0.0} MB, invariant globalization {AppContext.TryGetSwitch("System.Globalization.Invariant", out var invariant) && invariant}, tiered PGO {(AppContext.TryGetSwitch("System.Runtime.TieredPGO", out var pgo) ? pgo.ToString() : "default")}");
            Figures.Line($"goal: <= 0.2 % of one core and <= 120 MB over 2 minutes after the settle");
            return running == count ? 0 : 1;
        }
        finally
        {
            sandbox.Kill(entireProcessTree: true);
            await sandbox.WaitForExitAsync(CancellationToken.None);
            home.Delete(recursive: true);
        }
    }

    /// <summary>Waits (bounded) for the sign-in URL, then plays the browser: the sandbox approves at once and redirects to the callback.</summary>
    private static async Task SignInAsync(TetherHost host, string name, HttpClient browser, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        var signedIn = false;
        while (true)
        {
            var view = (await host.Workloads.GetAsync(name, bound.Token)).Workload;
            if (view.Status is not ("starting" or "authenticating"))
            {
                return;
            }

            if (view.SignInUrl is { } url && !signedIn)
            {
                signedIn = true;
                using var approved = await browser.GetAsync(new Uri(url), bound.Token);
                using var landed = await browser.GetAsync(approved.Headers.Location!, bound.Token);
            }

            await Task.Delay(20, bound.Token);
        }
    }
}
