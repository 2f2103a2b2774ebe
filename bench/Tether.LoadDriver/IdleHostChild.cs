using System.Diagnostics;
using Tether.Configuration;
using Tether.Hosting;

namespace Tether.LoadDriver;

/// <summary>
/// A real Tether host in a process of its own, in a temporary <c>TETHER_HOME</c>, with OAuth workloads added the way a
/// user adds them: <c>tether run URL --name N --skip-browser</c>, one CLI process per workload, the sign-in URL it prints
/// opened by this process playing the browser (the sandbox approves at once and redirects to Tether's callback).
/// </summary>
internal sealed class IdleHostChild : IAsyncDisposable
{
    private const string SignInPrompt = "Open this URL in a browser to sign in:";
    private readonly DirectoryInfo _home;
    private readonly IReadOnlyDictionary<string, string>? _settings;
    private readonly Process? _foreground;
    private readonly string? _executable;

    private IdleHostChild(string name, string? executable, DirectoryInfo home, IReadOnlyDictionary<string, string>? settings, Process? foreground)
    {
        Name = name;
        _executable = executable;
        _home = home;
        _settings = settings;
        _foreground = foreground;
    }

    public string Name { get; }

    /// <summary>How it was started, for the figures.</summary>
    public string Describe() =>
        (_foreground is null ? "started by tether run (tether serve --background)" : "tether serve in the foreground, as the login service runs it")
        + (_executable == ChildProcess.Installed ? "" : ", of " + (_executable ?? ChildProcess.Describe()))
        + (_settings is null ? "" : ", with " + string.Join(' ', _settings.Select(e => e.Key + "=" + e.Value)));

    /// <summary>The host's process id (from its <c>host.json</c>); 0 before the first workload started it.</summary>
    public int ProcessId => _foreground?.Id ?? HostInfoFile.TryRead(new TetherPaths(_home.FullName))?.Pid ?? 0;

    /// <summary>
    /// A host that the first <c>tether run</c> starts in the background, or (<paramref name="foreground"/>) a
    /// <c>tether serve</c> started first, as a login service starts it; <paramref name="settings"/> go into its environment.
    /// <paramref name="executable"/> is the <c>tether</c> to run (<see langword="null"/>: the build output).
    /// </summary>
    public static async Task<IdleHostChild> StartAsync(string name, string? executable, IReadOnlyDictionary<string, string>? settings, bool foreground, CancellationToken cancellationToken)
    {
        var home = Directory.CreateTempSubdirectory("tether-idle-");
        Process? serve = null;
        if (foreground)
        {
            serve = Process.Start(ChildProcess.TetherAt(executable, home.FullName, settings, "serve"))!;

            // Its console log is read and dropped, as a service manager's journal would take it.
            _ = serve.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
            _ = serve.StandardError.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
            await ListTiming.WaitForHostAsync(home.FullName, cancellationToken);
        }

        return new IdleHostChild(name, executable, home, settings, serve);
    }

    /// <summary>Adds and signs in <paramref name="count"/> workloads; returns the lines of those that did not end up serving.</summary>
    public async Task<IReadOnlyList<string>> AddWorkloadsAsync(Uri mcpUrl, int count, HttpClient browser, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        for (var i = 0; i < count; i++)
        {
            if (await RunAsync(mcpUrl, $"w{i:000}", browser, cancellationToken) is { } failure)
            {
                failures.Add(failure);
            }
        }

        return failures;
    }

    public async ValueTask DisposeAsync()
    {
        var pid = ProcessId;
        using (var stop = Process.Start(ChildProcess.TetherAt(_executable, _home.FullName, _settings, "serve", "--stop"))!)
        {
            await stop.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        }

        using var host = pid == 0 ? null : TryGetProcess(pid);
        if (host is not null && !host.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            host.Kill(entireProcessTree: true);
        }

        _foreground?.Dispose();
        _home.Delete(recursive: true);
    }

    /// <summary><c>tether run</c> for one workload, signing in when it asks; <see langword="null"/> when it serves.</summary>
    private async Task<string?> RunAsync(Uri mcpUrl, string workload, HttpClient browser, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(120));
        using var run = Process.Start(ChildProcess.TetherAt(_executable, _home.FullName, _settings,
            "run", mcpUrl.AbsoluteUri, "--name", workload, "--skip-browser", "--auth-timeout", "1m"))!;
        var output = run.StandardOutput.ReadToEndAsync(bound.Token);
        var said = new List<string>();
        var prompted = false;
        while (await run.StandardError.ReadLineAsync(bound.Token) is { } line)
        {
            said.Add(line);
            if (prompted && Uri.TryCreate(line.Trim(), UriKind.Absolute, out var signIn))
            {
                prompted = false;
                using var approved = await browser.GetAsync(signIn, bound.Token);
                using var landed = await browser.GetAsync(approved.Headers.Location!, bound.Token);
            }

            prompted |= line.StartsWith(SignInPrompt, StringComparison.Ordinal);
        }

        await run.WaitForExitAsync(bound.Token);
        await output;
        return run.ExitCode == 0 ? null : $"{workload}: tether run exited with {run.ExitCode}: {string.Join(" | ", said)}";
    }

    private static Process? TryGetProcess(int pid)
    {
        try
        {
            return Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
