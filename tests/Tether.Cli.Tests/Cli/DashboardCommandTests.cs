using System.Net;
using Tether.Tests.Fixtures;

namespace Tether.Tests.Cli;

/// <summary><c>tether dashboard</c> against a host the CLI starts: the one-time link, printed or given to $BROWSER.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DashboardCommandTests : IAsyncLifetime
{
    private readonly TetherCli _cli = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _cli.DisposeAsync();
    }

    [Fact]
    public async Task Dashboard_PrintUrl_ALinkThatOpensTheDashboardOnce()
    {
        var run = await _cli.RunAsync(["dashboard", "--print-url"], cancellationToken: Ct);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var link = new Uri(run.Stdout.Trim());
        Assert.Equal("127.0.0.1", link.Host);
        using var first = await _http.GetAsync(link, Ct);
        using var second = await _http.GetAsync(link, Ct);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Contains("HttpOnly", first.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
    }

    [Fact]
    public async Task Dashboard_BrowserSet_RunsItWithTheLinkAsItsOnlyArgument()
    {
        var seen = Path.Combine(_cli.Root, "browser-args");
        var browser = Path.Combine(_cli.Root, "browser");
        await File.WriteAllTextAsync(browser, $"#!/bin/sh\nprintf '%s\\n' \"$#\" \"$1\" > '{seen}'\n", Ct);
        File.SetUnixFileMode(browser, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _cli.Environment["BROWSER"] = browser;

        var run = await _cli.RunAsync(["dashboard"], cancellationToken: Ct);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("Opened the Tether dashboard", run.Stdout, StringComparison.Ordinal);
        var lines = await WaitForLinesAsync(seen);
        Assert.Equal("1", lines[0]);
        using var opened = await _http.GetAsync(new Uri(lines[1]), Ct);
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
    }

    private static async Task<string[]> WaitForLinesAsync(string path)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (File.Exists(path) && await File.ReadAllLinesAsync(path, bound.Token) is { Length: >= 2 } lines)
            {
                return lines;
            }

            await Task.Delay(50, bound.Token);
        }
    }
}
