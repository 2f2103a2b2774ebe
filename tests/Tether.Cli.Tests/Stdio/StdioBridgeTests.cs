using System.Diagnostics;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Tether.Sandbox;
using Tether.Sandbox.Faults;
using Tether.Tests.Fixtures;

namespace Tether.Tests.Stdio;

/// <summary>
/// <c>tether stdio</c> as a stdio-only MCP client spawns it: the MCP C# SDK's stdio client transport running the real
/// built executable, relayed to a workload in front of the sandbox.
/// </summary>
public sealed class StdioBridgeTests : IAsyncLifetime
{
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(40);
    private readonly TetherCli _cli = new();
    private readonly List<string> _stderr = [];
    private SandboxServer _sandbox = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { AccessTokenLifetime = TimeSpan.FromMinutes(10) }, Ct);
        _cli.Environment["TETHER_TOKEN_PROBE_MIN_INTERVAL"] = "1s";
        _cli.Environment["TETHER_TOKEN_REQUEST_WAIT"] = "3s";
    }

    public async ValueTask DisposeAsync()
    {
        await _cli.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    [Fact]
    public async Task Stdio_ToolsAndStreamedTool_AnsweredThroughTheSdkClient()
    {
        await RunSignedInAsync("docs");
        await using var mcp = await ConnectAsync("docs");

        var tools = await mcp.ListToolsAsync(cancellationToken: Ct);
        Assert.Contains(tools, t => t.Name == "echo");
        Assert.Equal("over stdio", await EchoAsync(mcp, "over stdio"));

        // With a progress token, so that the answer comes as an event stream. How many progress callbacks have run by
        // the time the call returns is the SDK's business: its client hands each notification to a task of its own
        // (seen on a busy machine: 2 of 4). That the bridge relays every one, in order, before the result is checked
        // on the wire, in the next test.
        var streamed = await mcp.CallToolAsync("slow_stream", new Dictionary<string, object?> { ["steps"] = 4, ["delay_ms"] = 50 },
            new SyncProgressOf(_ => { }), cancellationToken: Ct);
        Assert.Contains("done after 4 steps", Text(streamed), StringComparison.Ordinal);
    }

    // The order is checked on the wire: the SDK's client hands each incoming notification to its handler on its own
    // task, so the order in which a progress callback runs is the SDK's, not the bridge's.
    [Fact]
    public async Task Stdio_StreamedTool_ProgressLinesInOrderBeforeTheResult()
    {
        await RunSignedInAsync("order");
        using var process = StartBridge("order");
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(AnswerLimit);
        await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"order-test","version":"1"}}}""");
        await process.StandardInput.FlushAsync(Ct);
        Assert.Contains("serverInfo", await process.StandardOutput.ReadLineAsync(limit.Token), StringComparison.Ordinal);
        await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"slow_stream","arguments":{"steps":6,"delay_ms":20},"_meta":{"progressToken":"p"}}}""");
        await process.StandardInput.FlushAsync(Ct);

        var progress = new List<double>();
        while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
        {
            using var message = JsonDocument.Parse(line);
            if (message.RootElement.TryGetProperty("method", out var method) && method.GetString() == "notifications/progress")
            {
                progress.Add(message.RootElement.GetProperty("params").GetProperty("progress").GetDouble());
            }
            else if (message.RootElement.TryGetProperty("id", out var id) && id.GetInt32() == 2)
            {
                Assert.Contains("done after 6 steps", line, StringComparison.Ordinal);
                break;
            }
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync(limit.Token);
        Assert.Equal([1, 2, 3, 4, 5, 6], progress);
        Assert.Equal(0, process.ExitCode);
        Assert.DoesNotContain("Exception", await stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_WafOutageAcrossExpiry_JsonRpcErrorWhileRetryingThenSuccessInTheSameSession()
    {
        _sandbox.AccessTokenLifetime = TimeSpan.FromSeconds(6);
        await RunSignedInAsync("waf");
        await using var mcp = await ConnectAsync("waf");
        Assert.Equal("before", await EchoAsync(mcp, "before"));

        _sandbox.Faults.Set(TokenEndpointFault.WafHtml403);
        await Eventually.TrueAsync(async () => await StatusAsync("waf") == "auth_retrying", "auth_retrying", TimeSpan.FromSeconds(40));

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(AnswerLimit);
        var error = await Assert.ThrowsAsync<McpProtocolException>(() =>
            mcp.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "during" }, cancellationToken: limit.Token).AsTask());
        Assert.Contains("retrying authentication", error.Message, StringComparison.Ordinal);
        Assert.Contains("retry in", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("status code", error.Message, StringComparison.Ordinal);

        _sandbox.Faults.Clear();
        string? healed = null;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                healed = await EchoAsync(mcp, "after");
                return true;
            }
            catch (McpProtocolException)
            {
                return false;
            }
        }, "a tool call through the same stdio session after the WAF went away", TimeSpan.FromSeconds(30));
        Assert.Equal("after", healed);
    }

    [Fact]
    public async Task Stdio_InvalidGrant_JsonRpcErrorNamingReauth()
    {
        await RunSignedInAsync("rev");
        await using var mcp = await ConnectAsync("rev");
        Assert.Equal("x", await EchoAsync(mcp, "x"));

        _sandbox.RevokeAllTokens();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(AnswerLimit);
        var error = await Assert.ThrowsAsync<McpProtocolException>(() =>
            mcp.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "y" }, cancellationToken: limit.Token).AsTask());
        Assert.Contains("tether reauth rev", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("status code", error.Message, StringComparison.Ordinal);
        Assert.Contains(_stderr, line => line.Contains("tether reauth rev", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stdio_Url_CreatesItsWorkloadWithSignInOnStderrAndServes()
    {
        // The browser is a no-op program: the test plays it from the sign-in URL printed on stderr.
        _cli.Environment["BROWSER"] = "true";
        var url = _sandbox.McpUrl.AbsoluteUri;
        await using (var mcp = await ConnectAsync(url, signIn: true))
        {
            Assert.Equal("first use", await EchoAsync(mcp, "first use"));
        }

        Assert.Contains(_stderr, line => line.Contains("Opening the browser to sign in", StringComparison.Ordinal));
        await using (var again = await ConnectAsync(url))
        {
            Assert.Equal("second use", await EchoAsync(again, "second use"));
        }

        var list = JsonDocument.Parse((await _cli.RunAsync(["list", "--all", "--format", "json"], cancellationToken: Ct)).Stdout).RootElement;
        var workload = Assert.Single(list.EnumerateArray());
        Assert.Equal(url, workload.GetProperty("remote_url").GetString());
        Assert.Equal("running", workload.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Stdio_UnknownName_InitializeAnsweredWithAnErrorNamingIt()
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(AnswerLimit);
        var error = await Assert.ThrowsAnyAsync<McpException>(async () => await ConnectAsync("nosuch", cancellationToken: limit.Token));
        Assert.Contains("nosuch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_StdinClosed_ExitsZeroWithOnlyJsonRpcOnStdout()
    {
        await RunSignedInAsync("pipe");
        using var process = StartBridge("pipe");
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"pipe-test","version":"1"}}}""");
        await process.StandardInput.FlushAsync(Ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(AnswerLimit);
        var first = await process.StandardOutput.ReadLineAsync(limit.Token);
        process.StandardInput.Close();
        var rest = await process.StandardOutput.ReadToEndAsync(limit.Token);
        await process.WaitForExitAsync(limit.Token);

        Assert.Equal(0, process.ExitCode);
        using var answer = JsonDocument.Parse(first!);
        Assert.Equal(1, answer.RootElement.GetProperty("id").GetInt32());
        Assert.True(answer.RootElement.TryGetProperty("result", out var result), first);
        Assert.Equal("2.0", answer.RootElement.GetProperty("jsonrpc").GetString());
        Assert.True(result.TryGetProperty("serverInfo", out _), first);
        foreach (var line in rest.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var message = JsonDocument.Parse(line);
            Assert.Equal("2.0", message.RootElement.GetProperty("jsonrpc").GetString());
        }

        Assert.DoesNotContain("Exception", await stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_InitializeWithMoreMessagesInOneWrite_AllAnsweredInTheSessionInitializeOpened()
    {
        await RunSignedInAsync("burst");
        using var process = StartBridge("burst");
        var stderr = process.StandardError.ReadToEndAsync(Ct);

        // The messages after initialize sit in the same read as initialize: none may be lost or answered out of session.
        await process.StandardInput.WriteAsync(
            """{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"burst-test","version":"1"}}}""" + "\n" +
            """{"jsonrpc":"2.0","method":"notifications/initialized"}""" + "\n" +
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"message":"after a quick start"}}}""" + "\n");
        await process.StandardInput.FlushAsync(Ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(AnswerLimit);
        var answers = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        while (answers.Count < 2 && await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
        {
            var message = JsonDocument.Parse(line).RootElement;
            if (message.TryGetProperty("id", out var id))
            {
                answers[id.ToString()] = message;
            }
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync(limit.Token);

        Assert.Equal("2025-06-18", answers["init"].GetProperty("result").GetProperty("protocolVersion").GetString());
        Assert.True(answers["2"].TryGetProperty("result", out var result), answers["2"].ToString());
        Assert.Contains("after a quick start", result.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, process.ExitCode);
        Assert.DoesNotContain("Exception", await stderr, StringComparison.Ordinal);
    }

    /// <summary><c>tether stdio TARGET</c> with its pipes in the test's hands, as a client that speaks JSON lines.</summary>
    private Process StartBridge(string target)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tether.dll"));
        start.ArgumentList.Add("stdio");
        start.ArgumentList.Add(target);
        foreach (var (key, value) in Environment())
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    private Dictionary<string, string> Environment()
    {
        var env = new Dictionary<string, string>(_cli.Environment, StringComparer.Ordinal)
        {
            ["TETHER_HOME"] = _cli.Home,
            ["TETHER_KEY_SOURCE"] = "file",
        };
        return env;
    }

    private async Task<McpClient> ConnectAsync(string target, bool signIn = false, CancellationToken? cancellationToken = null)
    {
        var options = new StdioClientTransportOptions
        {
            Command = "dotnet",
            Arguments = [Path.Combine(AppContext.BaseDirectory, "tether.dll"), "stdio", target],
            Name = "tether",
            EnvironmentVariables = Environment().ToDictionary(p => p.Key, p => (string?)p.Value),
            StandardErrorLines = line =>
            {
                lock (_stderr)
                {
                    _stderr.Add(line);
                }

                var trimmed = line.Trim();
                if (signIn && trimmed.StartsWith(_sandbox.Issuer.AbsoluteUri, StringComparison.Ordinal) && trimmed.Contains("/authorize?", StringComparison.Ordinal))
                {
                    _ = _sandbox.CompleteSignInAsync(new Uri(trimmed), CancellationToken.None);
                }
            },
        };
        // A first use waits for the sign-in (the bridge answers within 45 s either way): more than the SDK's 60 s on a busy machine.
        return await McpClient.CreateAsync(new StdioClientTransport(options), new McpClientOptions { InitializationTimeout = TimeSpan.FromMinutes(3) }, cancellationToken: cancellationToken ?? Ct);
    }

    private async Task RunSignedInAsync(string name)
    {
        var run = await _cli.RunAsync(["run", _sandbox.McpUrl.AbsoluteUri, "--name", name, "--skip-browser"], _sandbox.SignsIn(Ct), cancellationToken: Ct);
        Assert.True(run.ExitCode == 0, run.Stderr);
    }

    private async Task<string?> StatusAsync(string name)
    {
        var list = await _cli.RunAsync(["list", "--all", "--format", "json"], cancellationToken: Ct);
        return JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Single(w => w.GetProperty("name").GetString() == name).GetProperty("status").GetString();
    }

    private static async Task<string> EchoAsync(McpClient mcp, string message) =>
        Text(await mcp.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = message }, cancellationToken: Ct));

    private static string Text(CallToolResult result) => Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
}
