using System.Net;
using System.Text;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Tether.Api;
using Tether.Configuration;
using Tether.Hosting;
using Tether.Sandbox;
using Tether.Sandbox.Faults;
using Tether.Tokens;
using Tether.Workloads;

namespace Tether.Cli;

/// <summary>
/// The story <c>tether demo</c> plays against the sandbox, through a real host, store and local endpoint, in a
/// throw-away <c>TETHER_HOME</c>: sign-in, tools, a WAF during refresh, <c>auth_retrying</c>, recovery on the next
/// request, a revoked grant, <c>unauthenticated</c> with the fix, reauth.
/// </summary>
internal sealed class DemoStory(TextWriter output)
{
    private const string Name = "demo";
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);
    private readonly DemoConsole _out = new(output);

    /// <summary>Shortened settings so that the story takes about a minute; the defaults are in the README.</summary>
    internal static TokenLifecycleOptions Settings => new()
    {
        RefreshInitialRetryInterval = TimeSpan.FromSeconds(2),
        RefreshMaxRetryInterval = TimeSpan.FromSeconds(4),
        RefreshMaxTries = 3,
        RefreshMaxElapsedTime = TimeSpan.FromSeconds(10),
        AuthRetryingTickInterval = TimeSpan.FromSeconds(5),
        ProbeMinInterval = TimeSpan.FromSeconds(1),
        RequestWait = TimeSpan.FromSeconds(3),
    };

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var home = Directory.CreateTempSubdirectory("tether-demo-");
        try
        {
            return await PlayAsync(new TetherPaths(home.FullName), cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or ModelContextProtocol.McpException or TimeoutException or InvalidOperationException or Tether.Workloads.WorkloadException)
        {
            throw new CliException($"the demo stopped: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException("the demo stopped: a step took longer than a minute");
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    private async Task<int> PlayAsync(TetherPaths paths, CancellationToken cancellationToken)
    {
        _out.Step("Start an OAuth authorization server and an OAuth-protected MCP server on 127.0.0.1");
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { AccessTokenLifetime = TokenLifetime }, cancellationToken);
        _out.Say($"authorization server {sandbox.Issuer}");
        _out.Say($"MCP server           {sandbox.McpUrl}  (access tokens live {TokenLifetime.TotalSeconds:0}s)");

        await using var host = await TetherHost.StartAsync(
            new TetherHostOptions { Paths = paths, TokenOptions = Settings, Advertise = false, RestoreWorkloads = false }, cancellationToken);
        var workloads = host.Workloads;

        _out.Step($"tether run {sandbox.McpUrl} --name {Name}");
        await workloads.RunAsync(new RunWorkloadRequest { Url = sandbox.McpUrl.ToString(), Name = Name }, cancellationToken);
        await using var timeline = new DemoTimeline(workloads, Name, _out);
        timeline.Start();
        await SignInHeadlessAsync(workloads, sandbox, cancellationToken);
        var running = await WaitForAsync(workloads, WorkloadStatus.Running, cancellationToken);
        _out.Ok($"signed in; point any MCP client at {running.Url}");

        _out.Step("Call tools through the local endpoint (the MCP C# SDK client, no token of its own)");
        var local = new Uri(running.Url!);
        await using (var mcp = await ConnectAsync(local, cancellationToken))
        {
            await CallAsync(mcp, "echo", new() { ["message"] = "hello through Tether" }, cancellationToken);
            await CallAsync(mcp, "add", new() { ["a"] = 2, ["b"] = 40 }, cancellationToken);
            var progress = new Progress<ProgressNotificationValue>(p => _out.Say($"  progress {p.Progress}/{p.Total}"));
            var streamed = await mcp.CallToolAsync("slow_stream", new Dictionary<string, object?> { ["steps"] = 3, ["delay_ms"] = 200 }, progress, cancellationToken: cancellationToken);
            _out.Ok($"slow_stream → {Text(streamed)}");
        }

        _out.Step("The token endpoint turns into a WAF answering 403 with an HTML page");
        sandbox.Faults.Set(TokenEndpointFault.WafHtml403);
        _out.Say("refresh ahead of expiry fails, but the current token still works: the status stays running");
        await WaitForReasonAsync(workloads, cancellationToken);
        await using (var mcp = await ConnectAsync(local, cancellationToken))
        {
            await CallAsync(mcp, "echo", new() { ["message"] = "still served" }, cancellationToken);
        }

        _out.Step("The access token expires while the WAF is still there");
        await WaitForAsync(workloads, WorkloadStatus.AuthRetrying, cancellationToken);
        await timeline.FlushAsync(cancellationToken);
        await ShowRawAnswerAsync(local, "requests get a quick 503 with Retry-After (not a hang, not a browser pop-up)", cancellationToken);

        // One probe per probe interval: let the one the 503 above triggered age out, so that the next request may probe.
        await Task.Delay(Settings.ProbeMinInterval + TimeSpan.FromMilliseconds(200), cancellationToken);
        _out.Step("The WAF goes away: the next request goes through at once, without waiting for the retry cadence");
        sandbox.Faults.Clear();
        await using (var mcp = await ConnectAsync(local, cancellationToken))
        {
            await CallAsync(mcp, "echo", new() { ["message"] = "back" }, cancellationToken);
        }

        await WaitForAsync(workloads, WorkloadStatus.Running, cancellationToken);

        _out.Step("The authorization server revokes the grant (invalid_grant: a real verdict)");
        sandbox.RevokeAllTokens();
        await ShowRawAnswerAsync(local, "the server rejects the token; Tether refreshes once, gets invalid_grant, and says what to do", cancellationToken);
        var signedOut = await WaitForAsync(workloads, WorkloadStatus.Unauthenticated, cancellationToken);
        _out.Say($"fix shown: {signedOut.StatusReason}");

        _out.Step($"tether reauth {Name}");
        await workloads.ReauthAsync(Name, reregister: false, cancellationToken);
        await SignInHeadlessAsync(workloads, sandbox, cancellationToken);
        await WaitForAsync(workloads, WorkloadStatus.Running, cancellationToken);
        await using (var mcp = await ConnectAsync(local, cancellationToken))
        {
            await CallAsync(mcp, "add", new() { ["a"] = 1, ["b"] = 1 }, cancellationToken);
        }

        await timeline.FlushAsync(cancellationToken);
        _out.Step("Done");
        _out.Say($"token endpoint calls: {sandbox.Counters.TokenRequests}; MCP requests: {sandbox.Counters.McpRequests}");
        _out.Say("the same story runs against your own servers: tether run URL, tether list, tether status NAME");
        return ExitCodes.Ok;
    }

    private async Task SignInHeadlessAsync(WorkloadApi workloads, SandboxServer sandbox, CancellationToken cancellationToken)
    {
        var view = await WaitForAsync(workloads, WorkloadStatus.Authenticating, cancellationToken);
        while (view.SignInUrl is null)
        {
            await Task.Delay(50, cancellationToken);
            view = (await workloads.GetAsync(Name, cancellationToken)).Workload;
        }

        _out.Say("the sign-in page opens; the sandbox approves at once and the browser lands on Tether's loopback callback");
        await sandbox.CompleteSignInAsync(new Uri(view.SignInUrl), cancellationToken);
    }

    private async Task<WorkloadView> WaitForAsync(WorkloadApi workloads, WorkloadStatus status, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StepTimeout);
        while (true)
        {
            var view = (await workloads.GetAsync(Name, timeout.Token)).Workload;
            if (view.Status == status.ToWire())
            {
                return view;
            }

            if (StatusText.Is(view.Status, WorkloadStatus.Error))
            {
                throw new CliException($"the demo workload failed: {view.StatusReason}");
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    private async Task WaitForReasonAsync(WorkloadApi workloads, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StepTimeout);
        var first = (await workloads.GetAsync(Name, timeout.Token)).Workload.StatusReason;
        while (true)
        {
            var view = (await workloads.GetAsync(Name, timeout.Token)).Workload;
            if (!StatusText.Is(view.Status, WorkloadStatus.Running) || view.StatusReason != first)
            {
                _out.Say($"status {view.Status}: {view.StatusReason}");
                return;
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    private static async Task<McpClient> ConnectAsync(Uri local, CancellationToken cancellationToken) =>
        await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = local, TransportMode = HttpTransportMode.StreamableHttp }),
            new McpClientOptions { ClientInfo = new Implementation { Name = "tether-demo", Version = "1" } },
            cancellationToken: cancellationToken);

    private async Task CallAsync(McpClient mcp, string tool, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var result = await mcp.CallToolAsync(tool, arguments, cancellationToken: cancellationToken);
        _out.Ok($"{tool} → {Text(result)}");
    }

    private async Task ShowRawAnswerAsync(Uri local, string what, CancellationToken cancellationToken)
    {
        _out.Say(what);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, local)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var retryAfter = response.Headers.RetryAfter?.Delta is { } delta ? $", Retry-After: {delta.TotalSeconds:0}" : "";
        var line = $"{(int)response.StatusCode} {response.StatusCode}{retryAfter}  {Truncate(body)}";
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            _out.Bad(line);
        }
        else
        {
            _out.Ok(line);
        }
    }

    private static string Text(CallToolResult result) =>
        string.Join(" ", result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private static string Truncate(string body) => body.Length <= 160 ? body : body[..160] + "…";
}
