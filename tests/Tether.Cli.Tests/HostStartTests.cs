using System.Text.Json;
using Tether.Sandbox;
using Tether.Tests.Fixtures;

namespace Tether.Tests;

/// <summary>First run, one host per home, and the host's start-up, through the real <c>tether</c> executable.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HostStartTests : IAsyncLifetime
{
    private SandboxServer _sandbox = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { AccessTokenLifetime = TimeSpan.FromMinutes(10) }, Ct);

    public async ValueTask DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task List_HomeDoesNotExist_CreatesItUserOnlyAndStartsAHost()
    {
        await using var cli = new TetherCli(createHome: false);

        var list = await cli.RunAsync(["list"], cancellationToken: Ct);

        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Contains("No workloads", list.Stdout, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cli.Home));
        Assert.True(File.Exists(Path.Combine(cli.Home, "host.json")));
    }

    [Fact]
    public async Task Run_HomeDoesNotExist_SignsInAndRuns()
    {
        await using var cli = new TetherCli(createHome: false);

        var run = await RunSignedInAsync(cli, "first");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("running", await StatusAsync(cli, "first"));
    }

    [Fact]
    public async Task List_HomeWritableByOthers_RefusedWithTheChmodThatFixesIt()
    {
        await using var cli = new TetherCli();
        File.SetUnixFileMode(cli.Home, (UnixFileMode)0b111_111_111);

        var list = await cli.RunAsync(["list"], cancellationToken: Ct);

        Assert.Equal(1, list.ExitCode);
        Assert.Contains($"chmod 700 {cli.Home}", list.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(cli.Home, "tether.db")), "nothing is written into a home others can write");
        File.SetUnixFileMode(cli.Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public async Task Run_ThreeCommandsRaceWithNoHost_OneHostRunsEveryWorkload()
    {
        await using var cli = new TetherCli();

        var runs = await Task.WhenAll(new[] { "a", "b", "c" }.Select(name => RunSignedInAsync(cli, name)));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Stderr));
        foreach (var name in new[] { "a", "b", "c" })
        {
            Assert.Equal("running", await StatusAsync(cli, name));
        }

        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(1, BackgroundHostsFor(cli.Home));
        }
    }

    [Fact]
    public async Task StaleHostFile_PidOfALiveForeignProcess_ListAndServeStartAHost()
    {
        await using var cli = new TetherCli();
        var hostFile = Path.Combine(cli.Home, "host.json");

        // This test's own process: alive, and no Tether host.
        var stale = $$"""{"url":"http://127.0.0.1:{{FreePort()}}/","pid":{{Environment.ProcessId}},"api_key":"gone","version":"0.1.0"}""";
        await File.WriteAllTextAsync(hostFile, stale, Ct);
        var list = await cli.RunAsync(["list"], cancellationToken: Ct);
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.NotEqual(stale, await File.ReadAllTextAsync(hostFile, Ct));
        using var started = cli.HostProcess();

        // 'serve --stop' returns once the host has ended, so a host can be started at once.
        var stop = await cli.RunAsync(["serve", "--stop"], cancellationToken: Ct);
        Assert.True(stop.ExitCode == 0, stop.Stderr);
        Assert.Contains("The Tether host stopped.", stop.Stdout, StringComparison.Ordinal);
        Assert.True(started.HasExited, "the host's process has ended");
        Assert.False(File.Exists(hostFile), "the host removed host.json");

        await File.WriteAllTextAsync(hostFile, stale, Ct);
        var listening = false;
        var serve = await cli.RunAsync(["serve"], async line =>
        {
            if (line.Contains("Tether host listening on", StringComparison.Ordinal))
            {
                listening = true;
                await cli.RunAsync(["serve", "--stop"], cancellationToken: Ct);
            }
        }, cancellationToken: Ct, stdoutLines: true);

        Assert.True(serve.ExitCode == 0, serve.Stderr);
        Assert.True(listening, serve.Stdout);
    }

    [Fact]
    public async Task List_AfterServeStop_StartsTheHostAndSaysSo()
    {
        await using var cli = new TetherCli();
        Assert.Equal(0, (await cli.RunAsync(["list"], cancellationToken: Ct)).ExitCode);
        Assert.Equal(0, (await cli.RunAsync(["serve", "--stop"], cancellationToken: Ct)).ExitCode);
        await Eventually.TrueAsync(() => Task.FromResult(!File.Exists(Path.Combine(cli.Home, "host.json"))), "the host stopped", TimeSpan.FromMinutes(1));

        var list = await cli.RunAsync(["list"], cancellationToken: Ct);

        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Contains("started the Tether host", list.Stderr, StringComparison.Ordinal);
        Assert.Contains("tether serve --stop", list.Stderr, StringComparison.Ordinal);
        var again = await cli.RunAsync(["list"], cancellationToken: Ct);
        Assert.Equal(string.Empty, again.Stderr);
    }

    [Fact]
    public async Task RunForeground_HostAlreadyRuns_OneLineSayingWhatToDo()
    {
        await using var cli = new TetherCli();
        Assert.Equal(0, (await cli.RunAsync(["list"], cancellationToken: Ct)).ExitCode);

        var run = await cli.RunAsync(["run", _sandbox.McpUrl.AbsoluteUri, "--name", "fg", "--bearer-token", "t", "--foreground"], cancellationToken: Ct);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("without --foreground", line, StringComparison.Ordinal);
        Assert.Contains("tether serve --stop", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunForeground_SameNameASecondTime_OneClearLineAndExit1()
    {
        await using var cli = new TetherCli();
        string[] args = ["run", _sandbox.McpUrl.AbsoluteUri, "--name", "fg", "--skip-browser", "--foreground"];
        // The sign-in URL is printed once the foreground host holds the home. A 'list' before that would start a
        // background host of its own, and the foreground run would then rightly refuse.
        var signInSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var signsIn = _sandbox.SignsIn(Ct);
        var first = cli.RunAsync(args, async line =>
        {
            await signsIn(line);
            if (line.Contains("/authorize?", StringComparison.Ordinal))
            {
                signInSeen.TrySetResult();
            }
        }, cancellationToken: Ct);
        if (await Task.WhenAny(signInSeen.Task, first) == first)
        {
            Assert.Fail($"the foreground run ended before its sign-in: {(await first).Stderr}");
        }

        // The foreground host serves the CLI like any host; 'serve --stop' ends it as Ctrl-C would.
        await Eventually.TrueAsync(async () => await StatusAsync(cli, "fg") == "running", "fg running in the foreground", TimeSpan.FromMinutes(2));
        Assert.Equal(0, (await cli.RunAsync(["serve", "--stop"], cancellationToken: Ct)).ExitCode);
        var ended = await first;
        Assert.True(ended.ExitCode == 0, ended.Stderr);

        var second = await cli.RunAsync(args, cancellationToken: Ct);

        Assert.Equal(1, second.ExitCode);
        var line = Assert.Single(second.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("'fg'", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
    }

    private Task<CliResult> RunSignedInAsync(TetherCli cli, string name) =>
        cli.RunAsync(["run", _sandbox.McpUrl.AbsoluteUri, "--name", name, "--skip-browser"], _sandbox.SignsIn(Ct), cancellationToken: Ct);

    private static async Task<string?> StatusAsync(TetherCli cli, string name)
    {
        var list = await cli.RunAsync(["list", "--all", "--format", "json"], cancellationToken: Ct);
        Assert.True(list.ExitCode == 0, list.Stderr);
        using var json = JsonDocument.Parse(list.Stdout);
        return json.RootElement.EnumerateArray().SingleOrDefault(w => w.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } workload
            ? workload.GetProperty("status").GetString()
            : null;
    }

    /// <summary>How many <c>tether serve --background</c> processes serve <paramref name="home"/>.</summary>
    private static int BackgroundHostsFor(string home)
    {
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                var environ = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0');
                if (cmdline.Contains("serve") && cmdline.Contains("--background") && environ.Contains("TETHER_HOME=" + home))
                {
                    count++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        return count;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
