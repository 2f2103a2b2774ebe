using System.Diagnostics;

namespace Tether.LoadDriver;

/// <summary>
/// The real product for the comparison: the built <c>tether</c> CLI starts its background host (ReadyToRun, its own
/// process) in a temporary <c>TETHER_HOME</c>, with one workload holding the benchmark's static bearer.
/// </summary>
internal sealed class TetherHostChild : IAsyncDisposable
{
    private readonly DirectoryInfo _home;

    private TetherHostChild(DirectoryInfo home, Uri url)
    {
        _home = home;
        Url = url;
        ProcessId = Tether.Hosting.HostInfoFile.TryRead(new Tether.Configuration.TetherPaths(home.FullName))?.Pid ?? 0;
    }

    public Uri Url { get; }

    /// <summary>The background host's process (for its CPU time); 0 if unknown.</summary>
    public int ProcessId { get; }

    public static async Task<TetherHostChild> StartAsync(Uri remote, string bearer, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        var home = Directory.CreateTempSubdirectory("tether-bench-home-");
        var (exit, stdout, stderr) = await RunAsync(home, environment, cancellationToken, "run", remote.AbsoluteUri, "--name", "bench", "--bearer-token", bearer);
        var last = stdout.Trim().Split('\n').LastOrDefault()?.Trim();
        if (exit != 0 || !Uri.TryCreate(last, UriKind.Absolute, out var url))
        {
            await new TetherHostChild(home, remote).DisposeAsync();
            throw new InvalidOperationException($"tether run failed ({exit}): {stderr.Trim()}");
        }

        return new TetherHostChild(home, url);
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync(_home, null, CancellationToken.None, "serve", "--stop");
        _home.Delete(recursive: true);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(DirectoryInfo home, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken, params string[] args)
    {
        using var process = Process.Start(ChildProcess.Tether(home.FullName, environment, args)) ?? throw new InvalidOperationException("could not start tether");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }
}
