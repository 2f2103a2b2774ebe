using System.ComponentModel;
using System.Diagnostics;

namespace Tether.Notifications;

/// <summary>
/// A desktop notification where the platform has one: <c>notify-send</c> on Linux when it is on PATH and a session
/// bus exists, <c>osascript</c> on macOS; nothing elsewhere. Text goes as arguments, never through a shell.
/// </summary>
internal sealed class DesktopNotifier(ProcessStartInfo? command)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    /// <summary>Whether this machine has a way to show one.</summary>
    public bool Available => command is not null;

    /// <summary>The notifier for this machine and session.</summary>
    public static DesktopNotifier ForThisMachine() =>
        new(CommandFor(OperatingSystem.IsMacOS() ? "macos" : OperatingSystem.IsLinux() ? "linux" : "other", Environment.GetEnvironmentVariable, File.Exists));

    /// <summary>The program to run, or null when the platform or session has none.</summary>
    internal static ProcessStartInfo? CommandFor(string platform, Func<string, string?> environment, Func<string, bool> fileExists)
    {
        switch (platform)
        {
            case "linux":
                var notifySend = OnPath("notify-send", environment, fileExists);
                var bus = environment("DBUS_SESSION_BUS_ADDRESS") is { Length: > 0 }
                    || (environment("XDG_RUNTIME_DIR") is { Length: > 0 } runtime && fileExists(Path.Combine(runtime, "bus")));
                return notifySend is not null && bus ? new ProcessStartInfo(notifySend) : null;
            case "macos":
                return OnPath("osascript", environment, fileExists) is { } osascript ? new ProcessStartInfo(osascript) : null;
            default:
                return null;
        }
    }

    /// <summary>Shows <paramref name="title"/> and <paramref name="body"/>; never throws, never waits more than a few seconds.</summary>
    public async Task ShowAsync(string title, string body, CancellationToken cancellationToken)
    {
        if (command is null)
        {
            return;
        }

        var start = new ProcessStartInfo(command.FileName) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, CreateNoWindow = true };
        if (Path.GetFileName(command.FileName) == "osascript")
        {
            // The text reaches AppleScript as argv, so no quoting of it can break out.
            foreach (var line in new[] { "-e", "on run argv", "-e", "display notification (item 2 of argv) with title (item 1 of argv)", "-e", "end run", title, body })
            {
                start.ArgumentList.Add(line);
            }
        }
        else
        {
            foreach (var argument in new[] { "--app-name=Tether", "--", title, body })
            {
                start.ArgumentList.Add(argument);
            }
        }

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return;
            }

            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(Limit);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Win32Exception)
        {
            // Gone since it was found: a notification is a courtesy.
        }
    }

    private static string? OnPath(string program, Func<string, string?> environment, Func<string, bool> fileExists) =>
        (environment("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(fileExists);
}
