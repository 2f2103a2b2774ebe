using System.Globalization;
using Tether.Workloads;

namespace Tether.Cli;

/// <summary>How statuses, reasons, ages and times read in a terminal.</summary>
internal static class StatusText
{
    /// <summary>The status, with its reason where the workload is not running.</summary>
    public static string Label(string status, string? reason) =>
        Is(status, WorkloadStatus.Running) || string.IsNullOrEmpty(reason) ? status : $"{status} ({reason})";

    /// <summary>Green when serving, yellow while it may heal by itself, red when someone must act; none for the lifecycle statuses.</summary>
    public static ConsoleColor? Color(string status) => !WorkloadStatusNames.TryParse(status, out var parsed) ? null : parsed switch
    {
        WorkloadStatus.Running => ConsoleColor.Green,
        WorkloadStatus.AuthRetrying or WorkloadStatus.Starting or WorkloadStatus.Authenticating => ConsoleColor.Yellow,
        WorkloadStatus.Unauthenticated or WorkloadStatus.Error => ConsoleColor.Red,
        _ => null,
    };

    /// <summary>Whether a wire status is <paramref name="expected"/> (an unknown name from another version is none).</summary>
    public static bool Is(string status, WorkloadStatus expected) =>
        WorkloadStatusNames.TryParse(status, out var parsed) && parsed == expected;

    /// <summary>Whether the workload is still being brought up (the CLI follows it until it settles).</summary>
    public static bool IsSettling(string status) =>
        WorkloadStatusNames.TryParse(status, out var parsed) && parsed is WorkloadStatus.Starting or WorkloadStatus.Authenticating;

    /// <summary>Whether the workload serves (running, or healing by itself).</summary>
    public static bool IsServing(string status) =>
        WorkloadStatusNames.TryParse(status, out var parsed) && parsed is WorkloadStatus.Running or WorkloadStatus.AuthRetrying;

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
