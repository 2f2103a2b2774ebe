using System.Net;
using System.Text.Json;
using Tether.Configuration;
using Tether.Hosting;
using Tether.Sandbox.Faults;
using Tether.Tests.Fixtures;
using Tether.Workloads;

namespace Tether.Tests.Notifications;

/// <summary>The user's on_status_change hook, run by a real host while a workload plays a fault story on the sandbox.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StatusNotifierTests : IDisposable
{
    private readonly HookScripts _scripts = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _scripts.Dispose();

    [Fact]
    public async Task Hook_WafOutageThenVerdict_RunsOncePerTransitionWithItAsJson()
    {
        var record = _scripts.Write("record", "cat >> \"$1\"");
        var output = _scripts.PathOf("notices");
        await using var story = await HostOnSandbox.StartAsync(Ct, configJson: Config(record, output));
        story.Sandbox.AccessTokenLifetime = TimeSpan.FromSeconds(6);
        var view = await story.RunSignedInAsync("hooked", Ct);

        story.Sandbox.Faults.Set(TokenEndpointFault.WafHtml403);
        await story.WaitForStatusAsync("hooked", WorkloadStatus.AuthRetrying, Ct);
        story.Sandbox.Faults.Set(TokenEndpointFault.InvalidGrant);
        await HostOnSandbox.CallAsync(view, Ct);
        await story.WaitForStatusAsync("hooked", WorkloadStatus.Unauthenticated, Ct);

        var notices = await NoticesUntilAsync(output, n => n.Any(x => x.GetProperty("to").GetString() == "unauthenticated"));
        var history = (await story.Host.Workloads.GetAsync("hooked", Ct)).History;
        Assert.Equal(
            history.Select(t => (t.From, t.To, t.Reason)),
            notices.Select(n => (n.GetProperty("from").GetString()!, n.GetProperty("to").GetString()!, n.GetProperty("reason").GetString()!)));
        Assert.Contains(notices, n => n.GetProperty("to").GetString() == "auth_retrying" && !n.GetProperty("needs_user").GetBoolean());
        var verdict = notices.Last();
        Assert.Equal("status_change", verdict.GetProperty("event").GetString());
        Assert.Equal("hooked", verdict.GetProperty("workload").GetString());
        Assert.Equal("auth_retrying", verdict.GetProperty("from").GetString());
        Assert.True(verdict.GetProperty("needs_user").GetBoolean());
        Assert.Equal("tether reauth hooked", verdict.GetProperty("fix").GetString());
        Assert.Contains("invalid_grant", verdict.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(history[^1].At, verdict.GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Hook_Fails_WorkloadsCarryOnAndTheFailureIsLogged()
    {
        var marker = _scripts.PathOf("calls");
        var failing = _scripts.Write("failing", $"echo call >> '{marker}'; echo 'webhook down' >&2; exit 3");
        await using var story = await HostOnSandbox.StartAsync(Ct, configJson: Config(failing, null, "1s"));

        var view = await story.RunSignedInAsync("carries-on", Ct);
        Assert.Equal("running", view.Status);
        Assert.Equal(HttpStatusCode.OK, await HostOnSandbox.CallAsync(view, Ct));
        Assert.Equal("stopped", (await story.Host.Workloads.StopAsync("carries-on", Ct)).Status);
        await story.Host.Workloads.StartAsync("carries-on", Ct);
        await story.WaitForStatusAsync("carries-on", WorkloadStatus.Running, Ct);

        var transitions = (await story.Host.Workloads.GetAsync("carries-on", Ct)).History.Count;
        var calls = await LinesUntilAsync(marker, transitions);
        Assert.Equal(transitions, calls);
        var log = await File.ReadAllTextAsync(HostInfoFile.LogPath(new TetherPaths(story.Home)), Ct);
        Assert.Contains("on_status_change hook", log, StringComparison.Ordinal);
        Assert.Contains("exited with 3: webhook down", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_HookNotAnArray_ClearErrorAndNothingStarts()
    {
        var home = Directory.CreateTempSubdirectory("tether-badhook-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(home, "config.json"), """{"on_status_change": "notify-me --all"}""", Ct);

            var ex = await Assert.ThrowsAsync<SettingsException>(() => TetherHost.StartAsync(new TetherHostOptions { Paths = new TetherPaths(home), TokenOptions = new() }, Ct));

            Assert.Contains("on_status_change", ex.Message, StringComparison.Ordinal);
            Assert.Contains("JSON array of strings", ex.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(home, "host.json")));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static string Config(string hook, string? argument, string timeout = "10s") =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["on_status_change"] = argument is null ? new[] { hook } : new[] { hook, argument },
            ["on_status_change_timeout"] = timeout,
        });

    private static async Task<List<JsonElement>> NoticesUntilAsync(string path, Func<List<JsonElement>, bool> done)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(HostOnSandbox.Bound);
        while (true)
        {
            var notices = File.Exists(path)
                ? (await File.ReadAllLinesAsync(path, bound.Token)).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToList()
                : [];
            if (done(notices))
            {
                return notices;
            }

            await Task.Delay(100, bound.Token);
        }
    }

    private static async Task<int> LinesUntilAsync(string path, int count)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(HostOnSandbox.Bound);
        while (true)
        {
            var lines = File.Exists(path) ? (await File.ReadAllLinesAsync(path, bound.Token)).Length : 0;
            if (lines >= count)
            {
                return lines;
            }

            await Task.Delay(100, bound.Token);
        }
    }
}
