using System.ComponentModel;
using System.Diagnostics;

namespace Tether.Cli;

/// <summary>Opens a URL with <c>$BROWSER URL</c> when set, else the platform opener; never through a shell.</summary>
internal static class SystemBrowser
{
    public static bool TryOpen(string url, out string? error)
    {
        var start = Command(Environment.GetEnvironmentVariable("BROWSER"));
        start.ArgumentList.Add(url);
        start.UseShellExecute = false;
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        try
        {
            using var process = Process.Start(start);
            process?.StandardInput.Close();
            error = null;
            return process is not null;
        }
        catch (Win32Exception ex)
        {
            error = $"{start.FileName}: {ex.Message}";
            return false;
        }
    }

    /// <summary>The opener: <c>$BROWSER</c> (its first word is the program, the rest its arguments), else the platform's.</summary>
    internal static ProcessStartInfo Command(string? browser)
    {
        if (!string.IsNullOrWhiteSpace(browser))
        {
            var words = browser.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var start = new ProcessStartInfo(words[0]);
            foreach (var word in words.Skip(1))
            {
                start.ArgumentList.Add(word);
            }

            return start;
        }

        if (OperatingSystem.IsMacOS())
        {
            return new ProcessStartInfo("open");
        }

        if (OperatingSystem.IsWindows())
        {
            var start = new ProcessStartInfo("rundll32");
            start.ArgumentList.Add("url.dll,FileProtocolHandler");
            return start;
        }

        return new ProcessStartInfo("xdg-open");
    }
}
