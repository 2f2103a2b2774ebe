using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Tether.Sandbox;
using Tether.Tests.Fixtures;

namespace Tether.Tests;

/// <summary>What a user sees of a workload's lifecycle through the real <c>tether</c> executable against the sandbox.</summary>
public sealed class LifecycleTests : CliOnSandbox
{
    public LifecycleTests()
        : base(TimeSpan.FromMinutes(10))
    {
        Cli.Environment["TETHER_TOKEN_PROBE_MIN_INTERVAL"] = "1s";
        Cli.Environment["TETHER_TOKEN_REQUEST_WAIT"] = "3s";
    }

    [Fact]
    public async Task List_UnauthenticatedAndStopped_NeedsAttentionStaysInSightStoppedCounted()
    {
        var revoked = await RunSignedInAsync("revoked");
        Assert.True(revoked.ExitCode == 0, revoked.Stderr);
        var paused = await RunSignedInAsync("paused");
        Assert.True(paused.ExitCode == 0, paused.Stderr);
        Assert.Equal(0, (await Cli.RunAsync(["stop", "paused"], cancellationToken: Ct)).ExitCode);

        Sandbox.RevokeAllTokens();
        using (var response = await PostAsync(LocalUrl(revoked)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        var list = await Cli.RunAsync(["list"], cancellationToken: Ct);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(list.Stdout.Split('\n'), line => line.StartsWith("revoked ", StringComparison.Ordinal) && line.Contains("unauthenticated", StringComparison.Ordinal));
        Assert.DoesNotContain(list.Stdout.Split('\n'), line => line.StartsWith("paused ", StringComparison.Ordinal));
        Assert.Contains("1 stopped workload not shown; 'tether list --all' shows it.", list.Stdout, StringComparison.Ordinal);

        var all = await Cli.RunAsync(["list", "--all"], cancellationToken: Ct);
        Assert.Contains(all.Stdout.Split('\n'), line => line.StartsWith("paused ", StringComparison.Ordinal) && line.Contains("stopped", StringComparison.Ordinal));
        Assert.DoesNotContain("not shown", all.Stdout, StringComparison.Ordinal);

        await WaitForLogAsync("paused", "-> stopped: stopped by the user");
        await WaitForLogAsync("revoked", "-> unauthenticated");
    }

    [Fact]
    public async Task Run_SignInNotFinishedThenTheSameRunAgain_RetriesAndSignsIn()
    {
        string[] args = ["run", Sandbox.McpUrl.AbsoluteUri, "--name", "nb", "--skip-browser", "--auth-timeout", "3s"];
        var first = await Cli.RunAsync(args, cancellationToken: Ct);

        Assert.Equal(1, first.ExitCode);
        Assert.Contains("nb is error: sign-in was not finished within 3s", first.Stderr, StringComparison.Ordinal);
        Assert.Contains("tether reauth nb", first.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(" min", first.Stderr, StringComparison.Ordinal);
        await WaitForLogAsync("nb", "sign-in failed: sign-in was not finished within 3s");

        var again = await Cli.RunAsync(args, Sandbox.SignsIn(Ct), cancellationToken: Ct);

        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.DoesNotContain("already exists", again.Stderr, StringComparison.Ordinal);
        Assert.Equal("hi", await CallEchoAsync(LocalUrl(again), "hi"));
        var history = await HistoryAsync("nb");
        var signedIn = history.Last();
        Assert.Equal(("authenticating", "running"), (signedIn.From, signedIn.To));
        Assert.StartsWith("signed in", signedIn.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(history, t => t.Reason.Contains("from the store", StringComparison.Ordinal));
        await WaitForLogAsync("nb", "signed in to");
    }

    [Theory]
    [InlineData("x", 404, "http 404")]
    [InlineData("", 501, "http 501")]
    public async Task Run_UrlThatIsNotMcp_ErrorNamingWhatCameBack(string typo, int status, string named)
    {
        await using var web = await PlainWebServer.StartAsync();
        var url = status == 404 ? Sandbox.McpUrl.AbsoluteUri + typo : web.Url.AbsoluteUri;

        var run = await Cli.RunAsync(["run", url, "--name", "web"], cancellationToken: Ct);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("web is error:", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not answer like an MCP server", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(named, run.Stderr, StringComparison.Ordinal);
        var listed = JsonDocument.Parse((await Cli.RunAsync(["list", "--format", "json"], cancellationToken: Ct)).Stdout).RootElement.EnumerateArray().Single();
        Assert.Equal("error", listed.GetProperty("status").GetString());

        using var response = await PostAsync(new Uri(listed.GetProperty("url").GetString()!));
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("web is in error", body, StringComparison.Ordinal);
        Assert.Contains(named, body, StringComparison.Ordinal);
        Assert.Contains("tether rm web", body, StringComparison.Ordinal);
        await WaitForLogAsync("web", "start failed");
    }

    [Fact]
    public async Task Start_ServerStillDown_ReportsErrorAndExitsOne()
    {
        var run = await Cli.RunAsync(["run", "http://127.0.0.1:9/mcp", "--name", "dead"], cancellationToken: Ct);
        Assert.Equal(1, run.ExitCode);

        var start = await Cli.RunAsync(["start", "dead"], cancellationToken: Ct);

        Assert.Equal(1, start.ExitCode);
        Assert.Contains("dead is error: cannot reach", start.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("started", start.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reauth_CtrlCDuringTheSignInWait_CancelsSaysSoAndStartWithoutTokensIsUnauthenticated()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "sends SIGINT");
        var run = await RunSignedInAsync("cc");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var local = LocalUrl(run);

        var pid = 0;
        var reauth = await Cli.RunAsync(["reauth", "cc", "--skip-browser"], line =>
        {
            if (line.Contains("/authorize?", StringComparison.Ordinal))
            {
                using var kill = System.Diagnostics.Process.Start("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)]);
                kill.WaitForExit();
            }

            return Task.CompletedTask;
        }, cancellationToken: Ct, onStarted: id => pid = id);

        Assert.NotEqual(0, reauth.ExitCode);
        Assert.Contains("sign-in cancelled; cc is error", reauth.Stderr, StringComparison.Ordinal);
        var status = JsonDocument.Parse((await Cli.RunAsync(["status", "cc", "--format", "json"], cancellationToken: Ct)).Stdout).RootElement;
        Assert.Equal("error", status.GetProperty("workload").GetProperty("status").GetString());
        Assert.Contains("sign-in cancelled", status.GetProperty("workload").GetProperty("status_reason").GetString(), StringComparison.Ordinal);

        var start = await Cli.RunAsync(["start", "cc"], cancellationToken: Ct);

        Assert.Equal(1, start.ExitCode);
        Assert.Contains("cc is unauthenticated", start.Stderr, StringComparison.Ordinal);
        using var response = await PostAsync(local);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("tether reauth cc", body, StringComparison.Ordinal);
        Assert.DoesNotContain("starting", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_ClientHangsUpMidStream_NoWarningAndEveryStepLogged()
    {
        var run = await RunSignedInAsync("hang");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using (var http = new HttpClient())
        {
            // A session, then a long tool call streaming progress, then the client hangs up after its first event.
            var local = LocalUrl(run);
            using var initialized = await McpPostAsync(http, local, null,
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}""");
            Assert.Equal(HttpStatusCode.OK, initialized.StatusCode);
            var session = initialized.Headers.GetValues("Mcp-Session-Id").Single();
            await initialized.Content.ReadAsStringAsync(Ct);
            using (var ready = await McpPostAsync(http, local, session, """{"jsonrpc":"2.0","method":"notifications/initialized"}"""))
            {
                Assert.True(ready.IsSuccessStatusCode);
            }

            using (var call = await McpPostAsync(http, local, session,
                """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"slow_stream","arguments":{"steps":100,"delay_ms":200},"_meta":{"progressToken":"p"}}}"""))
            {
                Assert.Equal("text/event-stream", call.Content.Headers.ContentType?.MediaType);
                using var reader = new StreamReader(await call.Content.ReadAsStreamAsync(Ct));
                Assert.Contains("progress", await reader.ReadLineAsync(Ct) + await reader.ReadLineAsync(Ct), StringComparison.Ordinal);
            }

            // The event stream a client keeps open (GET), closed before anything came on it: what every MCP client
            // does when it disconnects. Hung up once the sandbox has the request.
            var before = Sandbox.Counters.McpRequests;
            using var hangUp = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            using var stream = new HttpRequestMessage(HttpMethod.Get, local);
            stream.Headers.Accept.ParseAdd("text/event-stream");
            stream.Headers.Add("Mcp-Session-Id", session);
            var events = http.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead, hangUp.Token);
            await Eventually.TrueAsync(() => Task.FromResult(Sandbox.Counters.McpRequests > before), "the event stream reached the server", TimeSpan.FromSeconds(20));
            await hangUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => events);
        }

        Assert.Equal(0, (await Cli.RunAsync(["stop", "hang"], cancellationToken: Ct)).ExitCode);

        // Lines are written in order: once the stop is there, anything the hang-up logged is too.
        var logs = await WaitForLogAsync("hang", "-> stopped");
        Assert.DoesNotContain("forwarding failed", logs, StringComparison.Ordinal);
        foreach (var step in new[] { "created for", "starting -> authenticating", "authenticating -> running", "signed in to", "running -> stopping" })
        {
            Assert.Contains(step, logs, StringComparison.Ordinal);
        }
    }

    private async Task<List<(string From, string To, string Reason)>> HistoryAsync(string name)
    {
        var status = await Cli.RunAsync(["status", name, "--format", "json"], cancellationToken: Ct);
        return JsonDocument.Parse(status.Stdout).RootElement.GetProperty("history").EnumerateArray()
            .Select(t => (t.GetProperty("from").GetString()!, t.GetProperty("to").GetString()!, t.GetProperty("reason").GetString()!))
            .ToList();
    }

    private async Task<string> WaitForLogAsync(string name, string line)
    {
        var logs = "";
        await Eventually.TrueAsync(async () =>
        {
            logs = (await Cli.RunAsync(["logs", name], cancellationToken: Ct)).Stdout;
            return logs.Contains(line, StringComparison.Ordinal);
        }, $"'{line}' in tether logs {name}", TimeSpan.FromSeconds(20));
        return logs;
    }

    private static async Task<HttpResponseMessage> McpPostAsync(HttpClient http, Uri local, string? session, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, local) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
        }

        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
    }

    private static async Task<HttpResponseMessage> PostAsync(Uri local)
    {
        using var http = new HttpClient();
        return await http.PostAsync(local, new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"), Ct);
    }

    private static async Task<string> CallEchoAsync(Uri local, string message)
    {
        await using var mcp = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = local, TransportMode = HttpTransportMode.StreamableHttp }),
            cancellationToken: Ct);
        var result = await mcp.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = message }, cancellationToken: Ct);
        return Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
    }

    /// <summary>A plain web server on loopback: every request gets 501 with an HTML page (not MCP).</summary>
    private sealed class PlainWebServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private PlainWebServer(WebApplication app, Uri url) => (_app, Url) = (app, url);

        public Uri Url { get; }

        public static async Task<PlainWebServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status501NotImplemented;
                context.Response.ContentType = "text/html";
                return context.Response.WriteAsync("<html><body>Not Implemented</body></html>", context.RequestAborted);
            });
            await app.StartAsync(Ct);
            return new PlainWebServer(app, new Uri(new Uri(app.Urls.First()), "/mcp"));
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
