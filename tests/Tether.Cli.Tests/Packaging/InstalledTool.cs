using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Tether.Tests.Packaging;

/// <summary>
/// The CLI as users get it, made once for a test class: <c>dotnet pack</c>, then <c>dotnet tool install</c> from that
/// folder (and only that folder) into a temporary tool path.
/// </summary>
public sealed class InstalledTool : IAsyncLifetime
{
    private static readonly TimeSpan StepLimit = TimeSpan.FromMinutes(20);

    /// <summary>The temporary folder holding the packages, the tool path and the homes.</summary>
    public string Work { get; } = Directory.CreateTempSubdirectory("tether-tool-").FullName;

    /// <summary>The folder <c>dotnet pack</c> wrote to.</summary>
    public string Packages => Path.Combine(Work, "packages");

    /// <summary>The installed command (<c>TOOLPATH/tether</c>), as a shell finds it on PATH.</summary>
    public string Command => Path.Combine(Work, "tools", OperatingSystem.IsWindows() ? "tether.exe" : "tether");

    /// <summary>The version in the top-level package's name.</summary>
    public string Version { get; private set; } = "";

    /// <summary>Whether pack made this platform's package, the one with the native front end.</summary>
    public bool Native => File.Exists(Path.Combine(Packages, $"tether.{RuntimeInformation.RuntimeIdentifier}.{Version}.nupkg"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var pack = await RunAsync("dotnet", ["pack", Path.Combine(RepositoryRoot(), "src", "Tether.Cli", "Tether.Cli.csproj"), "-c", "Release", "-o", Packages, "-nologo"]);
        Assert.True(pack.Code == 0, pack.Output);
        var top = Assert.Single(Directory.GetFiles(Packages, "tether.*.nupkg"), p => char.IsDigit(Path.GetFileName(p)["tether.".Length]));
        Version = Path.GetFileNameWithoutExtension(top)["tether.".Length..];

        // Only the folder as a source: a package of the same name elsewhere must not be the one installed.
        var config = Path.Combine(Work, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Packages}" />
              </packageSources>
            </configuration>
            """, Ct);
        await InstallAsync("tether", Path.Combine(Work, "tools"));
    }

    /// <summary>Installs <paramref name="packageId"/> from <see cref="Packages"/> only, into <paramref name="toolPath"/>.</summary>
    public async Task InstallAsync(string packageId, string toolPath)
    {
        var install = await RunAsync("dotnet", ["tool", "install", "--tool-path", toolPath, packageId, "--configfile", Path.Combine(Work, "nuget.config")]);
        Assert.True(install.Code == 0, install.Output);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(Work, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Runs <paramref name="program"/> to the end in <see cref="Work"/>, with a home of its own.</summary>
    public async Task<(int Code, string Output)> RunAsync(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Work };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["TETHER_HOME"] = Path.Combine(Work, "home");
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
}
