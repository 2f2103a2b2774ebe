using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Tether.Sandbox;
using Tether.Tests.Fixtures;

namespace Tether.Tests.Packaging;

/// <summary>The CLI as users get it: packed, installed into a temporary tool path, run by the path a shell finds.</summary>
public sealed class ToolPackageTests(InstalledTool tool) : IClassFixture<InstalledTool>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PackAndInstall_TemporaryToolPath_TetherRunsAndSpeaksItsVersionAndCommands()
    {
        var version = await tool.RunAsync(tool.Command, ["--version"]);
        Assert.Equal(0, version.Code);
        Assert.StartsWith(tool.Version, version.Output.Trim(), StringComparison.Ordinal);

        var help = await tool.RunAsync(tool.Command, ["--help"]);
        Assert.Equal(0, help.Code);
        Assert.Contains("Usage:\n  tether [command]", help.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("stdio", help.Output, StringComparison.Ordinal);
        Assert.Contains("client", help.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortablePackage_EveryOtherPlatform_RunsThroughDotnet()
    {
        Assert.SkipUnless(tool.Native, "the portable package is the only one here, and the test above ran it");
        var toolPath = Path.Combine(tool.Work, "portable");
        await tool.InstallAsync("tether.any", toolPath);
        var version = await tool.RunAsync(Path.Combine(toolPath, OperatingSystem.IsWindows() ? "tether.exe" : "tether"), ["--version"]);
        Assert.Equal(0, version.Code);
        Assert.StartsWith(tool.Version, version.Output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NativeFrontEnd_HostWithAWorkload_ListAndStdioInitializeAnsweredNativelyClientEntriesNameTheShim()
    {
        Assert.SkipUnless(tool.Native, "no clang here for NativeAOT: dotnet pack made the portable package only");
        var front = new FileInfo(tool.Command).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? tool.Command;
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal("\u007fELF"u8.ToArray(), File.ReadAllBytes(front)[..4]);
        }

        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(front)!, "tether-cli")), "the full command line is beside the front end");

        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { AccessTokenLifetime = TimeSpan.FromMinutes(10) }, Ct);
        var userHome = Directory.CreateTempSubdirectory("tether-tool-user-").FullName;
        await using var installed = new TetherCli(executable: tool.Command);
        installed.Environment["HOME"] = userHome;
        installed.Environment["XDG_CONFIG_HOME"] = Path.Combine(userHome, ".config");
        await using var built = new TetherCli();
        built.Environment["TETHER_HOME"] = installed.Home;

        // Every command but list goes through the front end to the full command line: run starts the host and signs in.
        var run = await installed.RunAsync(["run", sandbox.McpUrl.AbsoluteUri, "--name", "docs", "--skip-browser"], sandbox.SignsIn(Ct), cancellationToken: Ct);
        Assert.True(run.ExitCode == 0, run.Stderr);

        // list from the native front end: the same answer as the build output's full command line.
        var quick = await installed.RunAsync(["list", "--all", "--format", "json"], cancellationToken: Ct);
        var full = await built.RunAsync(["list", "--all", "--format", "json"], cancellationToken: Ct);
        Assert.True(quick.ExitCode == 0, quick.Stderr);
        Assert.Equal(full.Stdout, quick.Stdout);
        Assert.Equal("docs", JsonNode.Parse(quick.Stdout)!.AsArray().Single()!["name"]!.GetValue<string>());
        var table = (await installed.RunAsync(["list"], cancellationToken: Ct)).Stdout.Split('\n');
        Assert.Equal((await built.RunAsync(["list"], cancellationToken: Ct)).Stdout.Split('\n')[0], table[0]);
        Assert.Matches(@"^docs\s+running\s+http://127\.0\.0\.1:\d+/mcp\s", table[1]);

        // The front end alone answers list by itself; anything else it hands on, and says so when it cannot.
        var alone = Path.Combine(tool.Work, "alone", "tether");
        Directory.CreateDirectory(Path.GetDirectoryName(alone)!);
        File.Copy(front, alone);
        await using (var lone = new TetherCli(executable: alone))
        {
            lone.Environment["TETHER_HOME"] = installed.Home;
            var list = await lone.RunAsync(["list", "--all", "--format", "json"], cancellationToken: Ct);
            Assert.True(list.ExitCode == 0, list.Stderr);
            Assert.Equal(full.Stdout, list.Stdout);
            var other = await lone.RunAsync(["--version"], cancellationToken: Ct);
            Assert.Equal(1, other.ExitCode);
            Assert.Contains("tether-cli", other.Stderr, StringComparison.Ordinal);
            Assert.Contains("reinstall", other.Stderr, StringComparison.Ordinal);
            Assert.Single(other.Stderr.Trim().Split('\n'));
        }

        // A client's entry names the path the user started tether by (the tool's shim, which a tool update keeps),
        // and runs: stdio through the front end to the full command line and back.
        var add = await installed.RunAsync(["client", "add", "claude-desktop", "docs"], cancellationToken: Ct);
        Assert.True(add.ExitCode == 0, add.Stderr);
        var server = JsonNode.Parse(File.ReadAllText(Path.Combine(userHome, ".config", "Claude", "claude_desktop_config.json")))!["mcpServers"]!["docs"]!;
        Assert.Equal(tool.Command, server["command"]!.GetValue<string>());
        Assert.Equal(["stdio", "docs"], server["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        await using (var mcp = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = server["command"]!.GetValue<string>(),
            Arguments = ["stdio", "docs"],
            EnvironmentVariables = new Dictionary<string, string?> { ["TETHER_HOME"] = installed.Home, ["TETHER_KEY_SOURCE"] = "file" },
        }), cancellationToken: Ct))
        {
            var result = await mcp.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "through the front end" }, cancellationToken: Ct);
            Assert.Equal("through the front end", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        }

        // A client that opens with initialize (as Claude Desktop does) gets its answer from the front end, and the rest
        // of the session from the full command line: the same session, on the same pipes.
        await RawStdioSessionAsync(installed.Home);
        Directory.Delete(userHome, recursive: true);
    }

    [Fact]
    public async Task NativeFrontEnd_StdioWhileNoHostRuns_HandedOnAndTheFullCommandLineStartsTheHostAndServes()
    {
        Assert.SkipUnless(tool.Native, "no clang here for NativeAOT: dotnet pack made the portable package only");
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { AccessTokenLifetime = TimeSpan.FromMinutes(10) }, Ct);
        await using var built = new TetherCli();
        var run = await built.RunAsync(["run", sandbox.McpUrl.AbsoluteUri, "--name", "docs", "--skip-browser"], sandbox.SignsIn(Ct), cancellationToken: Ct);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(0, (await built.RunAsync(["serve", "--stop"], cancellationToken: Ct)).ExitCode);
        var hostFile = Path.Combine(built.Home, "host.json");
        await Eventually.TrueAsync(() => Task.FromResult(!File.Exists(hostFile)), "the host stopped", TimeSpan.FromMinutes(1));

        // As a client starting at login finds it: no host. The front end reads nothing and hands the command on.
        await RawStdioSessionAsync(built.Home);

        Assert.True(File.Exists(hostFile), "the full command line started a host for the workload");
    }

    [Fact]
    public async Task NativeFrontEnd_ServeStartedByHand_HostGetsTheGen0BudgetTheCliGivesItsHosts()
    {
        Assert.SkipUnless(tool.Native && OperatingSystem.IsLinux(), "the front end's hand-over, read from /proc");
        await using var cli = new TetherCli(executable: tool.Command);
        var start = new ProcessStartInfo(tool.Command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("serve");
        start.Environment["TETHER_HOME"] = cli.Home;
        start.Environment["TETHER_KEY_SOURCE"] = "file";
        start.Environment.Remove("DOTNET_GCgen0size");
        using var serve = Process.Start(start)!;
        var output = serve.StandardOutput.ReadToEndAsync(Ct);
        var errors = serve.StandardError.ReadToEndAsync(Ct);
        try
        {
            var hostFile = Path.Combine(cli.Home, "host.json");
            await Eventually.TrueAsync(() => Task.FromResult(File.Exists(hostFile) || serve.HasExited), "the host wrote host.json", TimeSpan.FromMinutes(2));
            if (serve.HasExited)
            {
                Assert.Fail($"tether serve ended ({serve.ExitCode}): {await errors}");
            }

            var environment = (await File.ReadAllTextAsync($"/proc/{serve.Id}/environ", Ct)).Split('\0');
            Assert.Contains("DOTNET_GCgen0size=0x400000", environment);
            Assert.Contains("TETHER_COMMAND=" + tool.Command, environment);
        }
        finally
        {
            await cli.RunAsync(["serve", "--stop"], cancellationToken: Ct);
            if (!serve.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                serve.Kill(entireProcessTree: true);
            }

            await Task.WhenAll(output, errors).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        }
    }

    private async Task RawStdioSessionAsync(string home)
    {
        var start = new ProcessStartInfo(tool.Command) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("stdio");
        start.ArgumentList.Add("docs");
        start.Environment["TETHER_HOME"] = home;
        start.Environment["TETHER_KEY_SOURCE"] = "file";
        using var bridge = Process.Start(start)!;
        var stderr = bridge.StandardError.ReadToEndAsync(Ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await bridge.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
            await bridge.StandardInput.FlushAsync(Ct);
            var initialized = await bridge.StandardOutput.ReadLineAsync(limit.Token);
            Assert.Equal(1, JsonNode.Parse(initialized!)!["id"]!.GetValue<int>());
            Assert.NotNull(JsonNode.Parse(initialized!)!["result"]!["serverInfo"]);

            await bridge.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            await bridge.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"message":"after the hand-over"}}}""");
            await bridge.StandardInput.FlushAsync(Ct);
            var answer = JsonNode.Parse((await bridge.StandardOutput.ReadLineAsync(limit.Token))!)!;
            Assert.Equal(2, answer["id"]!.GetValue<int>());
            Assert.Equal("after the hand-over", answer["result"]!["content"]![0]!["text"]!.GetValue<string>());

            bridge.StandardInput.Close();
            await bridge.WaitForExitAsync(limit.Token);
            Assert.Equal(0, bridge.ExitCode);
            Assert.DoesNotContain("Exception", await stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (!bridge.HasExited)
            {
                bridge.Kill(entireProcessTree: true);
            }
        }
    }
}
