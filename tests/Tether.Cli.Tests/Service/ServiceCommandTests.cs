using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Tether.Cli;
using Tether.Tests.Fixtures;

namespace Tether.Tests.Service;

/// <summary><c>tether service install|uninstall</c>: the unit it writes, and the command line in it run as systemd would run it.</summary>
public sealed class ServiceCommandTests : IAsyncLifetime
{
    private readonly TetherCli _cli = new();
    private readonly string _home = Directory.CreateTempSubdirectory("tether-service-home-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _cli.Environment["HOME"] = _home;
        _cli.Environment["XDG_CONFIG_HOME"] = Path.Combine(_home, ".config");
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _cli.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task Install_SystemdUserUnit_ItsExecStartRunsTheHostThenUninstallRemovesIt()
    {
        // A systemctl that records being called: the command prints the line to run, it never runs it.
        var bin = Directory.CreateDirectory(Path.Combine(_home, "bin")).FullName;
        var called = Path.Combine(_home, "systemctl-was-called");
        var fake = Path.Combine(bin, "systemctl");
        await File.WriteAllTextAsync(fake, $"#!/bin/sh\ntouch '{called}'\n", Ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        _cli.Environment["PATH"] = bin + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH");

        // Not this machine's own value, if it has one: the unit then carries the CLI's default.
        _cli.Environment["DOTNET_GCgen0size"] = "";

        var install = await _cli.RunAsync(["service", "install"], cancellationToken: Ct);
        Assert.True(install.ExitCode == 0, install.Stderr);
        var unit = Path.Combine(_home, ".config", "systemd", "user", "tether.service");
        Assert.Contains(unit, install.Stdout, StringComparison.Ordinal);
        Assert.Contains("systemctl --user daemon-reload && systemctl --user enable --now tether.service", install.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(called));

        var lines = (await File.ReadAllLinesAsync(unit, Ct)).ToList();
        Assert.Contains("[Service]", lines);
        Assert.Contains("WantedBy=default.target", lines);
        var exec = SystemdWords(Assert.Single(lines, l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..]);
        Assert.True(Path.IsPathFullyQualified(exec[0]), exec[0]);
        Assert.Equal("serve", exec[^1]);
        var environment = lines.Where(l => l.StartsWith("Environment=", StringComparison.Ordinal)).SelectMany(l => SystemdWords(l["Environment=".Length..])).ToList();
        Assert.Equal([$"TETHER_HOME={_cli.Home}", "DOTNET_GCgen0size=0x400000"], environment);

        var again = await _cli.RunAsync(["service", "install"], cancellationToken: Ct);
        Assert.StartsWith("Already written", again.Stdout, StringComparison.Ordinal);

        // Run what systemd would run, with the environment the unit gives it (and the test's key source).
        var start = new ProcessStartInfo(exec[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var word in exec.Skip(1))
        {
            start.ArgumentList.Add(word);
        }

        foreach (var assignment in environment)
        {
            start.Environment[assignment[..assignment.IndexOf('=', StringComparison.Ordinal)]] = assignment[(assignment.IndexOf('=', StringComparison.Ordinal) + 1)..];
        }

        start.Environment["TETHER_KEY_SOURCE"] = "file";
        using var host = Process.Start(start)!;
        var output = new StringBuilder();
        var pump = Task.WhenAll(Pump(host.StandardOutput, output), Pump(host.StandardError, output));
        try
        {
            var hostFile = Path.Combine(_cli.Home, "host.json");
            await Eventually.TrueAsync(() => Task.FromResult(File.Exists(hostFile)), "the service's host wrote host.json", TimeSpan.FromSeconds(60));
            var list = await _cli.RunAsync(["list", "--format", "json"], cancellationToken: Ct);
            Assert.True(list.ExitCode == 0, list.Stderr + output);
            Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(list.Stdout).RootElement.ValueKind);
            using (var info = JsonDocument.Parse(await File.ReadAllTextAsync(hostFile, Ct)))
            {
                Assert.Equal(host.Id, info.RootElement.GetProperty("pid").GetInt32());
            }

            Assert.Equal(0, (await _cli.RunAsync(["serve", "--stop"], cancellationToken: Ct)).ExitCode);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            limit.CancelAfter(TimeSpan.FromSeconds(30));
            await host.WaitForExitAsync(limit.Token);
            Assert.Equal(0, host.ExitCode);
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }
        }

        await pump;
        var uninstall = await _cli.RunAsync(["service", "uninstall"], cancellationToken: Ct);
        Assert.Equal(0, uninstall.ExitCode);
        Assert.Contains("systemctl --user disable --now tether.service", uninstall.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(unit));
        Assert.False(File.Exists(called));
        Assert.StartsWith("No Tether login service", (await _cli.RunAsync(["service", "uninstall"], cancellationToken: Ct)).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void LaunchAgent_SpecialCharacters_ValidPlistWithTheCommandAndHome()
    {
        var plist = XDocument.Parse(ServiceFiles.LaunchAgent(["/Users/a & b/.dotnet/tools/tether", "serve"], new Dictionary<string, string> { ["TETHER_HOME"] = "/Users/a & b/t<h>" }, "/tmp/log"));
        var dict = plist.Root!.Element("dict")!;
        var keys = dict.Elements("key").Select(k => k.Value).ToList();
        Assert.Equal(["Label", "ProgramArguments", "EnvironmentVariables", "RunAtLoad", "KeepAlive", "StandardErrorPath"], keys);
        Assert.Equal(["/Users/a & b/.dotnet/tools/tether", "serve"], dict.Element("array")!.Elements("string").Select(s => s.Value));
        Assert.Equal("/Users/a & b/t<h>", dict.Elements("dict").First().Element("string")!.Value);
    }

    [Fact]
    public void SystemdQuote_SpacesQuotesPercent_ReadBackAsTheSameWord()
    {
        const string word = "/home/a b/\"q\"/100%/x\\y";
        Assert.Equal([word], SystemdWords(ServiceFiles.SystemdQuote(word)));
    }

    /// <summary>Splits a systemd command line as systemd does for double-quoted words (escapes, %% for %).</summary>
    private static List<string> SystemdWords(string line)
    {
        var words = new List<string>();
        var i = 0;
        while (i < line.Length)
        {
            if (line[i] == ' ')
            {
                i++;
                continue;
            }

            var word = new StringBuilder();
            var quoted = line[i] == '"';
            if (quoted)
            {
                i++;
            }

            for (; i < line.Length && (quoted ? line[i] != '"' : line[i] != ' '); i++)
            {
                if (line[i] == '\\' && i + 1 < line.Length)
                {
                    word.Append(line[++i]);
                }
                else if (line[i] == '%' && i + 1 < line.Length && line[i + 1] == '%')
                {
                    word.Append('%');
                    i++;
                }
                else
                {
                    word.Append(line[i]);
                }
            }

            i += quoted ? 1 : 0;
            words.Add(word.ToString());
        }

        return words;
    }

    private static async Task Pump(StreamReader reader, StringBuilder sink)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (sink)
            {
                sink.AppendLine(line);
            }
        }
    }
}
