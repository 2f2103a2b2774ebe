using System.Globalization;

namespace Tether.Cli;

/// <summary>How statuses, reasons, ages and times read in a terminal.</summary>
internal static class StatusText
{
    /// <summary>The status, with its reason where the workload is not running.</summary>
    public static string Label(string status, string? reason) =>
        status == "running" || string.IsNullOrEmpty(reason) ? status : $"{status} ({reason})";

    /// <summary>Green when serving, yellow while it may heal by itself, red when someone must act; none for the lifecycle statuses.</summary>
    public static ConsoleColor? Color(string status) => status switch
    {
        "running" => ConsoleColor.Green,
        "auth_retrying" or "starting" or "authenticating" => ConsoleColor.Yellow,
        "unauthenticated" or "error" => ConsoleColor.Red,
        _ => null,
    };

    public static TextCell Cell(string status, string? reason) => new(Label(status, reason), Color(status));

    public static string Age(TimeSpan age) => age switch
    {
        { TotalSeconds: < 60 } => $"{Math.Max(0, (int)age.TotalSeconds)}s",
        { TotalMinutes: < 60 } => $"{(int)age.TotalMinutes}m",
        { TotalHours: < 48 } => $"{(int)age.TotalHours}h",
        _ => $"{(int)age.TotalDays}d",
    };

    public static string Time(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
