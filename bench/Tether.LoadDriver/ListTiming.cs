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

            // In rotation, so that other load on the machine falls on each alike.
            var series = await AlternatingAsync(home, runs, cancellationToken,
                [(ChildProcess.Installed, ["list"]), (ChildProcess.Installed, ["--version"]), .. ChildProcess.Baseline is { } older ? [(older, new[] { "list" })] : Array.Empty<(string?, string[])>()]);
            var (list, version) = (series[0], series[1]);
            var baseline = series.Length > 2 ? series[2] : null;
            Figures.Line($"== tether list with the host running and 5 workloads ({runs} runs after 2 warm-up runs, in rotation, {Environment.ProcessorCount} cores; {ChildProcess.Describe()})");
            Figures.Line($"tether list:      median {Figures.Percentile(list, 0.5):0} ms, p90 {Figures.Percentile(list, 0.9):0} ms, min {list[0]:0} ms (goal <= 60 ms)");
            Figures.Line($"tether --version: median {Figures.Percentile(version, 0.5):0} ms, p90 {Figures.Percentile(version, 0.9):0} ms, min {version[0]:0} ms ({(ChildProcess.Installed is null ? "process start alone" : "the runtime's start: an installed front end hands --version to the full command line")})");
            if (baseline is not null)
            {
                Figures.Line($"baseline list:    median {Figures.Percentile(baseline, 0.5):0} ms, p90 {Figures.Percentile(baseline, 0.9):0} ms, min {baseline[0]:0} ms ({ChildProcess.Baseline}, in the same rotation)");
            }
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

    private static async Task<double[][]> AlternatingAsync(string home, int runs, CancellationToken cancellationToken, (string? Executable, string[] Args)[] commands)
    {
        var times = commands.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < runs + 2; i++)
        {
            for (var c = 0; c < commands.Length; c++)
            {
                var ms = await TimeAsync(commands[c].Executable, home, cancellationToken, commands[c].Args);
                if (i >= 2)
                {
                    times[c].Add(ms);
                }
            }
        }

        return [.. times.Select(t => t.Order().ToArray())];
    }

    internal static Task<double> TimeAsync(string home, CancellationToken cancellationToken, params string[] args) =>
        TimeAsync(ChildProcess.Installed, home, cancellationToken, args);

    private static async Task<double> TimeAsync(string? executable, string home, CancellationToken cancellationToken, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(ChildProcess.TetherAt(executable, home, args))!;
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
