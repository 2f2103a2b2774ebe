using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Tether.Sandbox;
using Tether.Tests.Fixtures;

namespace Tether.Tests.Clients;

/// <summary><c>tether client</c> through the real executable on a temporary HOME, with a signed-in workload in front of the sandbox.</summary>
public sealed class ClientCommandTests : IAsyncLifetime
{
    private readonly TetherCli _cli = new();
    private readonly string _home = Directory.CreateTempSubdirectory("tether-client-home-").FullName;
    private SandboxServer _sandbox = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { AccessTokenLifetime = TimeSpan.FromMinutes(10) }, Ct);
        _cli.Environment["HOME"] = _home;
        _cli.Environment["XDG_CONFIG_HOME"] = Path.Combine(_home, ".config");
    }

    public async ValueTask DisposeAsync()
    {
        await _cli.DisposeAsync();
        await _sandbox.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task ClientAdd_CursorAndClaudeDesktop_FilesWrittenListedAndTheStdioCommandServes()
    {
        var run = await _cli.RunAsync(["run", _sandbox.McpUrl.AbsoluteUri, "--name", "docs", "--skip-browser"], _sandbox.SignsIn(Ct), cancellationToken: Ct);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var local = run.Stdout.Trim().Split('\n').Last().Trim();
        Assert.Contains("tether client add claude-desktop|claude-code|cursor|vscode|windsurf docs", run.Stderr, StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(_home, ".cursor"));

        var cursor = await _cli.RunAsync(["client", "add", "cursor", "docs"], cancellationToken: Ct);
        Assert.True(cursor.ExitCode == 0, cursor.Stderr);
        var cursorFile = Path.Combine(_home, ".cursor", "mcp.json");
        Assert.Equal(local, JsonNode.Parse(File.ReadAllText(cursorFile))!["mcpServers"]!["docs"]!["url"]!.GetValue<string>());
        Assert.Contains("already has docs", (await _cli.RunAsync(["client", "add", "cursor", "docs"], cancellationToken: Ct)).Stdout, StringComparison.Ordinal);

        var desktop = await _cli.RunAsync(["client", "add", "claude-desktop", "docs"], cancellationToken: Ct);
        Assert.True(desktop.ExitCode == 0, desktop.Stderr);
        var server = JsonNode.Parse(File.ReadAllText(Path.Combine(_home, ".config", "Claude", "claude_desktop_config.json")))!["mcpServers"]!["docs"]!;
        var command = server["command"]!.GetValue<string>();
        var args = server["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.True(Path.IsPathFullyQualified(command), command);
        Assert.Equal(["stdio", "docs"], args[^2..]);
        Assert.Equal(_cli.Home, server["env"]!["TETHER_HOME"]!.GetValue<string>());

        // What Claude Desktop would run, run the way it would: from the file, with only what the file says.
        await using (var mcp = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = command,
            Arguments = args,
            EnvironmentVariables = new Dictionary<string, string?> { ["TETHER_HOME"] = server["env"]!["TETHER_HOME"]!.GetValue<string>(), ["TETHER_KEY_SOURCE"] = "file" },
        }), cancellationToken: Ct))
        {
            var result = await mcp.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "from the config" }, cancellationToken: Ct);
            Assert.Equal("from the config", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        }

        var list = await _cli.RunAsync(["client", "list"], cancellationToken: Ct);
        Assert.Equal(0, list.ExitCode);
        var rows = list.Stdout.Split('\n');
        Assert.Matches(@"^cursor\s+yes\s+docs\s", Assert.Single(rows, r => r.StartsWith("cursor ", StringComparison.Ordinal)));
        Assert.Matches(@"^claude-desktop\s+yes\s+docs\s", Assert.Single(rows, r => r.StartsWith("claude-desktop ", StringComparison.Ordinal)));
        Assert.Matches(@"^windsurf\s+no\s+-\s", Assert.Single(rows, r => r.StartsWith("windsurf ", StringComparison.Ordinal)));

        var removed = await _cli.RunAsync(["client", "remove", "cursor", "docs"], cancellationToken: Ct);
        Assert.Equal(0, removed.ExitCode);
        Assert.Empty(JsonNode.Parse(File.ReadAllText(cursorFile))!["mcpServers"]!.AsObject());
    }

    [Fact]
    public async Task ClientAdd_InvalidJsonOrUnknownClient_OneLineErrorAndFileUntouched()
    {
        var file = Path.Combine(_home, ".codeium", "windsurf", "mcp_config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "{\"mcpServers\": ");

        var refused = await _cli.RunAsync(["client", "remove", "windsurf", "docs"], cancellationToken: Ct);
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith($"tether: {file} is not valid JSON", refused.Stderr, StringComparison.Ordinal);
        Assert.Single(refused.Stderr.Trim().Split('\n'));
        Assert.Equal("{\"mcpServers\": ", File.ReadAllText(file));

        var unknown = await _cli.RunAsync(["client", "add", "emacs", "docs"], cancellationToken: Ct);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("emacs", unknown.Stderr, StringComparison.Ordinal);
    }
}
