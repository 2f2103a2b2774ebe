using System.CommandLine;
using Tether.Configuration;

namespace Tether.Cli;

/// <summary>
/// <c>tether service install|uninstall</c>: start the host at login (a systemd user unit on Linux, a launchd agent on
/// macOS). Writes the file only; prints the systemctl or launchctl line that turns it on, for the user to run.
/// </summary>
internal static class ServiceCommand
{
    public static Command Create()
    {
        var command = new Command("service", "Start the Tether host at login (systemd user unit on Linux, launchd agent on macOS).");
        var install = new Command("install", "Write the login service that runs 'tether serve'.");
        install.SetAction(_ => Install());
        var uninstall = new Command("uninstall", "Remove the login service.");
        uninstall.SetAction(_ => Uninstall());
        command.Subcommands.Add(install);
        command.Subcommands.Add(uninstall);
        return command;
    }

    private static int Install()
    {
        var paths = ClientPaths.FromEnvironment();
        var command = ServeCommandLine();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Environment.GetEnvironmentVariable("TETHER_HOME") is { Length: > 0 } home)
        {
            // The service starts with the service manager's environment, not this shell's: a moved home goes with it.
            environment["TETHER_HOME"] = Path.GetFullPath(home);
        }

        // The same runtime settings as the host the CLI starts in the background.
        foreach (var (name, value) in HostRuntimeSettings.Resolve())
        {
            environment[name] = value;
        }

        var (file, text) = paths.Platform switch
        {
            ClientPlatform.Linux => (ServiceFiles.SystemdUnitPath(paths), ServiceFiles.SystemdUnit(command, environment)),
            ClientPlatform.MacOS => (ServiceFiles.LaunchAgentPath(paths),
                ServiceFiles.LaunchAgent(command, environment, Path.Combine(TetherPaths.FromEnvironment().LogsDirectory, "service.log"))),
            _ => throw new CliException("tether service supports Linux (systemd) and macOS (launchd); on Windows, add 'tether serve' to your startup programs"),
        };

        var unchanged = File.Exists(file) && File.ReadAllText(file) == text;
        if (!unchanged)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllText(file, text);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot write {file}: {ex.Message}");
            }
        }

        Console.Out.WriteLine($"{(unchanged ? "Already written" : "Wrote")} {file}, which runs: {string.Join(' ', command)}");
        if (paths.Platform == ClientPlatform.Linux)
        {
            Console.Out.WriteLine(OnPath("systemctl")
                ? "Turn it on now and at every login with:\n  systemctl --user daemon-reload && systemctl --user enable --now tether.service"
                : "systemctl was not found: this system does not run systemd user services; start 'tether serve' at login another way.");
        }
        else
        {
            Console.Out.WriteLine($"Turn it on now and at every login with:\n  launchctl bootstrap gui/$(id -u) \"{file}\"");
        }

        return ExitCodes.Ok;
    }

    private static int Uninstall()
    {
        var paths = ClientPaths.FromEnvironment();
        var file = paths.Platform == ClientPlatform.MacOS ? ServiceFiles.LaunchAgentPath(paths) : ServiceFiles.SystemdUnitPath(paths);
        if (!File.Exists(file))
        {
            Console.Out.WriteLine($"No Tether login service is installed ({file}).");
            return ExitCodes.Ok;
        }

        if (paths.Platform == ClientPlatform.MacOS)
        {
            Console.Out.WriteLine($"If it is loaded, turn it off first with:\n  launchctl bootout gui/$(id -u) \"{file}\"");
        }
        else if (OnPath("systemctl"))
        {
            Console.Out.WriteLine("If it is on, turn it off first with:\n  systemctl --user disable --now tether.service");
        }

        try
        {
            File.Delete(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot remove {file}: {ex.Message}");
        }

        Console.Out.WriteLine($"Removed {file}.");
        return ExitCodes.Ok;
    }

    /// <summary>The absolute command line of <c>tether serve</c> for this installation.</summary>
    internal static IReadOnlyList<string> ServeCommandLine() => InstalledCommand.With("serve");

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, program)));
}
