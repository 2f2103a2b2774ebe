using System.Diagnostics;
using System.Text.Json;
using Tether.Notifications;

namespace Tether.Tests.Notifications;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StatusHookTests : IDisposable
{
    private static readonly StatusNotice Notice = new(
        "status_change", "docs", "auth_retrying", "unauthenticated", "token endpoint refused: invalid_grant (http 400): run 'tether reauth docs'",
        new DateTimeOffset(2026, 12, 2, 15, 0, 0, TimeSpan.Zero), "unauthenticated", true, "tether reauth docs");

    private readonly HookScripts _scripts = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _scripts.Dispose();

    [Fact]
    public async Task RunAsync_HookReadsItsInput_GetsTheNoticeAsOneJsonLineAndArgumentsAsGiven()
    {
        var script = _scripts.Write("record", "printf '%s\\n' \"$1\" > \"$2.args\"; cat > \"$2\"");
        var output = _scripts.PathOf("out");
        var hook = new StatusHook([script, "two words; $(not run)", output], TimeSpan.FromSeconds(30), TimeProvider.System);

        var outcome = await hook.RunAsync(Notice, Ct);

        Assert.Equal(HookOutcome.Succeeded, outcome);
        Assert.Equal("two words; $(not run)\n", await File.ReadAllTextAsync(output + ".args", Ct));
        var line = Assert.Single((await File.ReadAllTextAsync(output, Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("status_change", json.GetProperty("event").GetString());
        Assert.Equal("docs", json.GetProperty("workload").GetString());
        Assert.Equal("auth_retrying", json.GetProperty("from").GetString());
        Assert.Equal("unauthenticated", json.GetProperty("to").GetString());
        Assert.True(json.GetProperty("needs_user").GetBoolean());
        Assert.Equal("tether reauth docs", json.GetProperty("fix").GetString());
        Assert.Equal(Notice.At, json.GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task RunAsync_HookOutlivesItsTimeout_KilledWithItsChildrenAtTheTimeout()
    {
        var pids = _scripts.PathOf("pids");
        var script = _scripts.Write("hang", $"sleep 300 & echo $! > '{pids}'; wait");
        var timeout = TimeSpan.FromSeconds(5);
        var hook = new StatusHook([script], timeout, TimeProvider.System);

        var started = Stopwatch.GetTimestamp();
        var outcome = await hook.RunAsync(Notice, Ct);
        var elapsed = Stopwatch.GetElapsedTime(started);

        Assert.Equal(HookOutcome.TimedOut, outcome);
        Assert.True(elapsed >= timeout, $"returned after {elapsed}, before the time-out");
        Assert.True(File.Exists(pids), "the hook never started its child");
        var child = int.Parse((await File.ReadAllTextAsync(pids, Ct)).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        // SIGKILL is delivered at once but a loaded machine may take a moment to run the dying process's exit.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        while (IsRunning(child) && !bound.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
        }

        Assert.False(IsRunning(child), $"the hook's child {child} still runs");
    }

    [Fact]
    public async Task RunAsync_HookExitsNonZero_FailedWithItsFirstErrorLine()
    {
        var script = _scripts.Write("fail", "echo 'no webhook configured' >&2; echo 'second line' >&2; exit 3");

        var hook = new StatusHook([script], TimeSpan.FromSeconds(30), TimeProvider.System);

        Assert.Equal(HookOutcome.Failed, await hook.RunAsync(Notice, Ct));
        Assert.Equal(3, hook.LastExitCode);
        Assert.Equal("no webhook configured", hook.LastError);
    }

    [Fact]
    public async Task RunAsync_NoSuchProgram_NotStarted()
    {
        var hook = new StatusHook([_scripts.PathOf("missing")], TimeSpan.FromSeconds(30), TimeProvider.System);

        Assert.Equal(HookOutcome.NotStarted, await hook.RunAsync(Notice, Ct));
    }

    /// <summary>Alive and not a zombie waiting for a parent to reap it (a killed process may linger as one in a container).</summary>
    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            var text = File.ReadAllText(stat);
            var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (IOException)
        {
            return false;
        }
    }
}
