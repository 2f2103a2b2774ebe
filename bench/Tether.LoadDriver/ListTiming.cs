using System.Diagnostics;
using Tether.Sandbox;

namespace Tether.LoadDriver;

/// <summary>Wall time of <c>tether list</c> (a fresh process each time) against a running host with a few workloads.</summary>
internal static class ListTiming
{
    public static async Task<int> RunAsync(int runs, CancellationToken cancellationToken)
    {
        // Workloads in front of a server that answers (run refuses a URL that does not answer like an MCP server).
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { AccessTokenLifetime = TimeSpan.FromHours(1) }, cancellationToken);
        var token = await SandboxToken.SignInAsync(sandbox, cancellationToken);
        var home = Directory.CreateTempSubdirectory("tether-list-").FullName;
        using var host = Process.Start(ChildProcess.Tether(home, "serve"))!;
        try
        {
            await WaitForHostAsync(home, cancellationToken);
            for (var i = 0; i < 5; i++)
            {
                await TimeAsync(home, cancellationToken, "run", sandbox.McpUrl.AbsoluteUri, "--name", $"w{i}", "--bearer-token", token);
            }

            var list = await SeriesAsync(home, runs, cancellationToken, "list");
            var version = await SeriesAsync(home, runs, cancellationToken, "--version");
            Figures.Line($"== tether list with the host running and 5 workloads ({runs} runs after 2 warm-up runs, {Environment.ProcessorCount} cores; {ChildProcess.Describe()})");
            Figures.Line($"tether list:      median {Figures.Percentile(list, 0.5):0} ms, p90 {Figures.Percentile(list, 0.9):0} ms, min {list[0]:0} ms (goal <= 60 ms)");
            Figures.Line($"tether --version: median {Figures.Percentile(version, 0.5):0} ms, p90 {Figures.Percentile(version, 0.9):0} ms, min {version[0]:0} ms (process start alone)");
            await TimeAsync(home, cancellationToken, "serve", "--stop");
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

    internal static async Task WaitForHostAsync(string home, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(60));
        while (!File.Exists(Path.Combine(home, "host.json")))
        {
            await Task.Delay(50, bound.Token);
        }
    }

    private static async Task<double[]> SeriesAsync(string home, int runs, CancellationToken cancellationToken, params string[] args)
    {
        var times = new List<double>();
        for (var i = 0; i < runs + 2; i++)
        {
            var ms = await TimeAsync(home, cancellationToken, args);
            if (i >= 2)
            {
                times.Add(ms);
            }
        }

        return times.Order().ToArray();
    }

    internal static async Task<double> TimeAsync(string home, CancellationToken cancellationToken, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(ChildProcess.Tether(home, args))!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        await Task.WhenAll(output, error);
        return process.ExitCode == 0
            ? elapsed
            : throw new InvalidOperationException($"tether {string.Join(' ', args)} failed ({process.ExitCode}): {await error}");
    }
}
