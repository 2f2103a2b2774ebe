using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Tether.Sandbox;
using Tether.Sandbox.Faults;
using Tether.Tests.Fixtures;

namespace Tether.Tests;

/// <summary>The real <c>tether</c> executable against the sandbox over real HTTP, with the MCP C# SDK as the client.</summary>
public sealed class EndToEndTests : CliOnSandbox
{
    public EndToEndTests()
        : base(TimeSpan.FromMinutes(10))
    {
        Cli.Environment["TETHER_TOKEN_PROBE_MIN_INTERVAL"] = "1s";
        Cli.Environment["TETHER_TOKEN_REQUEST_WAIT"] = "30s";
    }

    private async Task<JsonElement> ListAsync()
    {
        var list = await Cli.RunAsync(["list", "--all", "--format", "json"], cancellationToken: Ct);
        Assert.Equal(0, list.ExitCode);
        return JsonDocument.Parse(list.Stdout).RootElement.Clone();
    }

    private static async Task<string> CallEchoAsync(Uri local, string message)
    {
        await using var mcp = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = local, TransportMode = HttpTransportMode.StreamableHttp }),
            cancellationToken: Ct);
        var result = await mcp.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = message }, cancellationToken: Ct);
        return Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
    }

    [Fact]
    public async Task Run_DynamicRegistrationSignIn_LocalUrlServesToolsAndListShowsRunning()
    {
        var run = await RunSignedInAsync("docs");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var local = LocalUrl(run);
        Assert.Equal("hello", await CallEchoAsync(local, "hello"));

        await using var mcp = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = local, TransportMode = HttpTransportMode.StreamableHttp }), cancellationToken: Ct);
        var steps = new System.Collections.Concurrent.ConcurrentQueue<float>();
        var streamed = await mcp.CallToolAsync("slow_stream", new Dictionary<string, object?> { ["steps"] = 3, ["delay_ms"] = 50 },
            new SyncProgress(p => steps.Enqueue(p.Progress)), cancellationToken: Ct);
        // Neither their order nor how many have run when the call returns: the SDK's client runs each notification's
        // handler on a task of its own. That every one is relayed before the result, in order, is checked on the wire
        // (StdioBridgeTests, through this same local endpoint).
        Assert.Subset(new HashSet<float> { 1, 2, 3 }, steps.ToHashSet());
        Assert.Contains("done", Assert.IsType<TextContentBlock>(Assert.Single(streamed.Content)).Text, StringComparison.Ordinal);

        var workload = (await ListAsync()).EnumerateArray().Single();
        Assert.Equal("docs", workload.GetProperty("name").GetString());
        Assert.Equal("running", workload.GetProperty("status").GetString());
        Assert.Equal("healthy", workload.GetProperty("health").GetString());
        Assert.Equal(local.AbsoluteUri, workload.GetProperty("url").GetString());
        Assert.Equal(Sandbox.McpUrl.AbsoluteUri, workload.GetProperty("remote_url").GetString());
        Assert.Equal("streamable-http", workload.GetProperty("transport").GetString());
        Assert.Equal(local.Port, workload.GetProperty("port").GetInt32());

        var table = await Cli.RunAsync(["list"], cancellationToken: Ct);
        Assert.Equal(0, table.ExitCode);
        var row = Assert.Single(table.Stdout.Split('\n'), line => line.StartsWith("docs ", StringComparison.Ordinal));
        Assert.Contains($" running   {local.AbsoluteUri}   {Sandbox.McpUrl.AbsoluteUri}   ", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LegacySseTransport_ToolsThroughTheLocalEndpointAndLogsKept()
    {
        var sse = new Uri(Sandbox.McpUrl.AbsoluteUri + "/sse");
        var run = await Cli.RunAsync(["run", sse.AbsoluteUri, "--name", "legacy", "--transport", "sse", "--skip-browser"], Sandbox.SignsIn(Ct), cancellationToken: Ct);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var local = LocalUrl(run);
        Assert.EndsWith("/mcp/sse", local.AbsolutePath, StringComparison.Ordinal);

        await using var mcp = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = local, TransportMode = HttpTransportMode.Sse }), cancellationToken: Ct);
        var result = await mcp.CallToolAsync("add", new Dictionary<string, object?> { ["a"] = 20, ["b"] = 22 }, cancellationToken: Ct);
        Assert.Equal("42", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);

        var logs = await Cli.RunAsync(["logs", "legacy"], cancellationToken: Ct);
        Assert.Equal(0, logs.ExitCode);
        Assert.Contains("legacy: created for", logs.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Waf_RefreshFailsThenHeals_AuthRetryingThenRunningOnTheNextRequest()
    {
        Sandbox.AccessTokenLifetime = TimeSpan.FromSeconds(6);
        var run = await RunSignedInAsync("waf");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var local = LocalUrl(run);
        Sandbox.Faults.Set(TokenEndpointFault.WafHtml403);

        await Eventually.TrueAsync(async () => (await ListAsync()).EnumerateArray().Single().GetProperty("status").GetString() == "auth_retrying", "auth_retrying", TimeSpan.FromMinutes(2));
        using (var http = new HttpClient())
        {
            using var response = await http.PostAsync(local, new StringContent("""{"jsonrpc":"2.0","id":7,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Contains("\"id\":7", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Sandbox.Faults.Clear();
        await Task.Delay(TimeSpan.FromSeconds(1.2), Ct);
        Assert.Equal("healed", await CallEchoAsync(local, "healed"));
        var status = await Cli.RunAsync(["status", "waf", "--format", "json"], cancellationToken: Ct);
        var history = JsonDocument.Parse(status.Stdout).RootElement.GetProperty("history").EnumerateArray().Select(t => t.GetProperty("to").GetString()).ToList();
        Assert.Contains("auth_retrying", history);
        Assert.Equal("running", history.Last());
    }

    [Fact]
    public async Task Revoked_InvalidGrant_UnauthenticatedThenReauthBringsItBack()
    {
        var run = await RunSignedInAsync("rev");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var local = LocalUrl(run);

        Sandbox.RevokeAllTokens();
        using (var http = new HttpClient())
        {
            using var response = await http.PostAsync(local, new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("tether reauth rev", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Equal("unauthenticated", (await ListAsync()).EnumerateArray().Single().GetProperty("status").GetString());
        var reauth = await Cli.RunAsync(["reauth", "rev", "--skip-browser"], async line =>
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith(Sandbox.Issuer.AbsoluteUri, StringComparison.Ordinal))
            {
                await Sandbox.CompleteSignInAsync(new Uri(trimmed), Ct);
            }
        }, cancellationToken: Ct);
        Assert.True(reauth.ExitCode == 0, reauth.Stderr);
        Assert.Equal("again", await CallEchoAsync(local, "again"));
    }

    [Fact]
    public async Task HostRestart_WorkloadComesBackWithoutABrowser()
    {
        var run = await RunSignedInAsync("keep");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var local = LocalUrl(run);

        Assert.Equal(0, (await Cli.RunAsync(["serve", "--stop"], cancellationToken: Ct)).ExitCode);
        await Eventually.TrueAsync(() => Task.FromResult(!File.Exists(Path.Combine(Cli.Home, "host.json"))), "the host stopped", TimeSpan.FromMinutes(2));

        var back = (await ListAsync()).EnumerateArray().Single();
        Assert.Equal("keep", back.GetProperty("name").GetString());
        await Eventually.TrueAsync(async () => (await ListAsync()).EnumerateArray().Single().GetProperty("status").GetString() == "running", "running again", TimeSpan.FromMinutes(2));
        Assert.Equal("back", await CallEchoAsync(local, "back"));
    }

    [Fact]
    public async Task StopStartRm_LifecycleAndNoSecretLeftBehind()
    {
        var run = await RunSignedInAsync("gone");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var local = LocalUrl(run);
        await CallEchoAsync(local, "x");

        Assert.Equal(0, (await Cli.RunAsync(["stop", "gone"], cancellationToken: Ct)).ExitCode);
        Assert.Equal("stopped", (await ListAsync()).EnumerateArray().Single().GetProperty("status").GetString());
        Assert.Empty(JsonDocument.Parse((await Cli.RunAsync(["list", "--format", "json"], cancellationToken: Ct)).Stdout).RootElement.EnumerateArray());
        Assert.Equal(0, (await Cli.RunAsync(["start", "gone"], cancellationToken: Ct)).ExitCode);
        await Eventually.TrueAsync(async () => (await ListAsync()).EnumerateArray().Single().GetProperty("status").GetString() == "running", "running", TimeSpan.FromMinutes(2));

        var tokens = Sandbox.AcceptedBearerTokens;
        Assert.NotEmpty(tokens);
        AssertNoneInFiles(tokens, "while running");

        Assert.Equal(0, (await Cli.RunAsync(["rm", "gone"], cancellationToken: Ct)).ExitCode);
        Assert.Empty((await ListAsync()).EnumerateArray());
        AssertNoneInFiles(tokens, "after rm");
    }

    [Fact]
    public async Task BadInput_ClearOneLineErrorsAndExitCodes()
    {
        var unreachable = await Cli.RunAsync(["run", "http://127.0.0.1:9/mcp", "--name", "nowhere"], cancellationToken: Ct);
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains("cannot reach", unreachable.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", unreachable.Stderr, StringComparison.Ordinal);

        var taken = await Cli.RunAsync(["run", "http://127.0.0.1:10/mcp", "--name", "nowhere"], cancellationToken: Ct);
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("already exists", taken.Stderr, StringComparison.Ordinal);

        var usage = await Cli.RunAsync(["run"], cancellationToken: Ct);
        Assert.Equal(2, usage.ExitCode);

        var badUrl = await Cli.RunAsync(["run", "ftp://example/mcp"], cancellationToken: Ct);
        Assert.Equal(2, badUrl.ExitCode);
        Assert.Contains("not an http(s) URL", badUrl.Stderr, StringComparison.Ordinal);

        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;
        var portTaken = await Cli.RunAsync(["run", Sandbox.McpUrl.AbsoluteUri, "--name", "busy", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], cancellationToken: Ct);
        Assert.Equal(1, portTaken.ExitCode);
        Assert.Contains($"port {port} is in use", portTaken.Stderr, StringComparison.Ordinal);

        var missing = await Cli.RunAsync(["status", "no-such"], cancellationToken: Ct);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no workload named 'no-such'", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sandbox_JsonFormat_OneLineWithItsUrls()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        string? first = null;
        var run = Cli.RunAsync(["sandbox", "--format", "json", "--token-lifetime", "30s"], line =>
        {
            first ??= line;
            cts.Cancel();
            return Task.CompletedTask;
        }, cancellationToken: cts.Token, stdoutLines: true);

        await Assert.ThrowsAnyAsync<Exception>(() => run);
        using var json = JsonDocument.Parse(first!);
        Assert.StartsWith("http://127.0.0.1:", json.RootElement.GetProperty("issuer").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/mcp", json.RootElement.GetProperty("mcp_url").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/control", json.RootElement.GetProperty("control_url").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadSetting_ServeRefusesToStartNamingIt()
    {
        await using var other = new TetherCli();
        other.Environment["TETHER_TOKEN_REQUEST_WAIT"] = "soon";

        var serve = await other.RunAsync(["serve"], cancellationToken: Ct);

        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("TETHER_TOKEN_REQUEST_WAIT", serve.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaleHostFile_ServeStopSaysNoneRunsAndListStartsAHost()
    {
        await using var other = new TetherCli();
        int deadPort;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            deadPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        var hostFile = Path.Combine(other.Home, "host.json");
        var stale = $$"""{"url":"http://127.0.0.1:{{deadPort}}/","pid":{{int.MaxValue}},"api_key":"gone","version":"0.1.0"}""";
        await File.WriteAllTextAsync(hostFile, stale, Ct);

        var stop = await other.RunAsync(["serve", "--stop"], cancellationToken: Ct);
        Assert.Equal(0, stop.ExitCode);
        Assert.Contains("No Tether host is running", stop.Stdout, StringComparison.Ordinal);

        var list = await other.RunAsync(["list"], cancellationToken: Ct);
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Contains("No workloads", list.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(stale, await File.ReadAllTextAsync(hostFile, Ct));
    }

    private void AssertNoneInFiles(IEnumerable<string> secrets, string when)
    {
        // Lock files (host.lock, locks/NAME.lock) are held exclusively by the running host and are always empty.
        foreach (var file in Directory.EnumerateFiles(Cli.Home, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            if (file.EndsWith(".lock", StringComparison.Ordinal))
            {
                // Held by the host (a read would take a shared lock); nothing is ever written to a lock file.
                Assert.Equal(0, new FileInfo(file).Length);
                continue;
            }

            var bytes = File.ReadAllBytes(file);
            var text = System.Text.Encoding.UTF8.GetString(bytes);
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{file} holds a token in plain text ({when})");
            }
        }
    }

    private sealed class SyncProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}
