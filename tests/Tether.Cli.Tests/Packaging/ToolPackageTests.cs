using System.Diagnostics;
using System.Text;

namespace Tether.Tests.Packaging;

/// <summary>The CLI as users get it: <c>dotnet pack</c>, then <c>dotnet tool install</c> from that folder into a temporary tool path, then run.</summary>
public sealed class ToolPackageTests : IDisposable
{
    private static readonly TimeSpan StepLimit = TimeSpan.FromMinutes(6);
    private readonly string _work = Directory.CreateTempSubdirectory("tether-tool-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task PackAndInstall_TemporaryToolPath_TetherRunsAndSpeaksItsVersionAndCommands()
    {
        var repo = RepositoryRoot();
        var packages = Path.Combine(_work, "packages");
        var pack = await RunAsync("dotnet", ["pack", Path.Combine(repo, "src", "Tether.Cli", "Tether.Cli.csproj"), "-c", "Release", "-o", packages, "-nologo"]);
        Assert.True(pack.Code == 0, pack.Output);
        var package = Assert.Single(Directory.GetFiles(packages, "tether.*.nupkg"));

        // Only the folder as a source: a package of the same name elsewhere must not be the one installed.
        var config = Path.Combine(_work, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages}" />
              </packageSources>
            </configuration>
            """, Ct);
        var tools = Path.Combine(_work, "tools");
        var install = await RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "tether", "--configfile", config]);
        Assert.True(install.Code == 0, install.Output);

        var tether = Path.Combine(tools, OperatingSystem.IsWindows() ? "tether.exe" : "tether");
        var version = await RunAsync(tether, ["--version"]);
        Assert.Equal(0, version.Code);
        var expected = Path.GetFileNameWithoutExtension(package)["tether.".Length..];
        Assert.StartsWith(expected, version.Output.Trim(), StringComparison.Ordinal);

        var help = await RunAsync(tether, ["--help"]);
        Assert.Equal(0, help.Code);
        Assert.Contains("stdio", help.Output, StringComparison.Ordinal);
        Assert.Contains("client", help.Output, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tether.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Tether.slnx not found above " + AppContext.BaseDirectory);
    }

    private async Task<(int Code, string Output)> RunAsync(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _work };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["TETHER_HOME"] = Path.Combine(_work, "home");
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(StepLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {StepLimit}");
        }

        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }
}
