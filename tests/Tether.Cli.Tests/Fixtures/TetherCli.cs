using System.Diagnostics;
using System.Text;

namespace Tether.Tests.Fixtures;

/// <summary>Runs the real <c>tether</c> executable (as built next to the tests) in a throw-away <c>TETHER_HOME</c>.</summary>
public sealed class TetherCli : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(6);

    private readonly string? _executable;

    /// <summary>
    /// A throw-away home; with <paramref name="createHome"/> false it does not exist yet (a first run). With
    /// <paramref name="executable"/>, that program (an installed tool's <c>tether</c>) instead of the build output.
    /// </summary>
    public TetherCli(bool createHome = true, string? executable = null)
    {
        _executable = executable;
        Root = Directory.CreateTempSubdirectory("tether-cli-test-").FullName;
        Home = createHome ? Root : Path.Combine(Root, "state", "tether");
        Environment["TETHER_SERVER_ANSWER_WAIT"] = "5m";
    }

    /// <summary>The <c>TETHER_HOME</c> of every command this instance runs.</summary>
    public string Home { get; }

    /// <summary>The temporary folder holding <see cref="Home"/>, removed at the end.</summary>
    public string Root { get; }

    /// <summary>Extra environment for every command (token settings, BROWSER, …).</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The process id the running host wrote to <c>host.json</c> in <see cref="Home"/>.</summary>
    public int HostPid()
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Home, "host.json")));
        return json.RootElement.GetProperty("pid").GetInt32();
    }

    /// <summary>The running host's process (from <see cref="HostPid"/>).</summary>
    public Process HostProcess() => Process.GetProcessById(HostPid());

    /// <summary>Runs <c>tether ARGS</c> to the end; <paramref name="onStderrLine"/> sees stderr lines as they come.</summary>
    /// <remarks><paramref name="onStarted"/> is handed the process id (to send it a signal, as Ctrl-C does).</remarks>
    public async Task<CliResult> RunAsync(IEnumerable<string> args, Func<string, Task>? onStderrLine = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default, bool stdoutLines = false, Action<int>? onStarted = null)
    {
        var start = new ProcessStartInfo(_executable ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (_executable is null)
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tether.dll"));
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["TETHER_HOME"] = Home;
        start.Environment["TETHER_KEY_SOURCE"] = "file";
        start.Environment.Remove("BROWSER");
        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        onStarted?.Invoke(process.Id);
        process.StandardInput.Close();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var outTask = PumpAsync(process.StandardOutput, stdout, stdoutLines ? onStderrLine : null);
        var errTask = PumpAsync(process.StandardError, stderr, stdoutLines ? null : onStderrLine);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
            await Task.WhenAll(outTask, errTask).WaitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"tether {string.Join(' ', start.ArgumentList.Skip(_executable is null ? 1 : 0))} did not finish in time; stderr: {stderr}");
        }

        return new CliResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, null);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(["serve", "--stop"], timeout: TimeSpan.FromSeconds(30));
            for (var i = 0; i < 100 && File.Exists(Path.Combine(Home, "host.json")); i++)
            {
                await Task.Delay(100);
            }
        }
        catch (TimeoutException)
        {
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder sink, Func<string, Task>? onLine)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (sink)
            {
                sink.AppendLine(line);
            }

            if (onLine is not null)
            {
                await onLine(line);
            }
        }
    }
}

/// <summary>What a <c>tether</c> command did.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr);
