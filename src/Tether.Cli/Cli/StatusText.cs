using System.Globalization;
using Spectre.Console;

namespace Tether.Cli;

/// <summary>How statuses, reasons and ages read in a terminal.</summary>
internal static class StatusText
{
    public static string Markup(string status, string? reason)
    {
        var color = status switch
        {
            "running" => "green",
            "auth_retrying" or "starting" or "authenticating" => "yellow",
            "unauthenticated" or "error" => "red",
            _ => "grey",
        };
        var text = status == "running" || string.IsNullOrEmpty(reason) ? status : $"{status} ({reason})";
        return $"[{color}]{Spectre.Console.Markup.Escape(text)}[/]";
    }

    public static string Age(TimeSpan age) => age switch
    {
        { TotalSeconds: < 60 } => $"{Math.Max(0, (int)age.TotalSeconds)}s",
        { TotalMinutes: < 60 } => $"{(int)age.TotalMinutes}m",
        { TotalHours: < 48 } => $"{(int)age.TotalHours}h",
        _ => $"{(int)age.TotalDays}d",
    };

    public static string Time(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
