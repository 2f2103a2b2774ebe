using System.Globalization;
using System.Text.RegularExpressions;

namespace Tether.Configuration;

/// <summary>Parses the durations settings take: <c>500ms</c>, <c>30s</c>, <c>10m</c>, <c>1h30m</c>, <c>24h</c>.</summary>
public static partial class DurationParser
{
    /// <summary>The form, for error messages.</summary>
    public const string ExpectedForm = "a duration such as 500ms, 30s, 10m, 1h30m or 24h";

    /// <summary>Parses <paramref name="value"/>; <see langword="false"/> for anything but whole numbers of h, m, s and ms in that order.</summary>
    public static bool TryParse(string? value, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = value is null ? Match.Empty : Form().Match(value.Trim());
        if (!match.Success || match.Length == 0)
        {
            return false;
        }

        try
        {
            foreach (var (group, unit) in new[] { ("h", 3_600_000L), ("m", 60_000L), ("s", 1_000L), ("ms", 1L) })
            {
                if (match.Groups[group].Success)
                {
                    duration += TimeSpan.FromMilliseconds(checked(long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) * unit));
                }
            }
        }
        catch (Exception ex) when (ex is OverflowException or FormatException or ArgumentOutOfRangeException)
        {
            return false;
        }

        return true;
    }

    /// <summary>Formats a duration the way settings take it (<c>1h30m</c>, <c>2s</c>, <c>250ms</c>).</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return "0s";
        }

        var parts = new System.Text.StringBuilder();
        if ((int)duration.TotalHours > 0)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}h");
        }

        if (duration.Minutes > 0)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{duration.Minutes}m");
        }

        if (duration.Seconds > 0)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{duration.Seconds}s");
        }

        if (duration.Milliseconds > 0)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{duration.Milliseconds}ms");
        }

        return parts.Length == 0 ? "0s" : parts.ToString();
    }

    [GeneratedRegex(@"^(?:(?<h>\d{1,6})h)?(?:(?<m>\d{1,8})m(?!s))?(?:(?<s>\d{1,9})s)?(?:(?<ms>\d{1,12})ms)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Form();
}
