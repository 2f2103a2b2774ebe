using System.Globalization;
using System.Text.RegularExpressions;

namespace Tether.Sandbox.Control;

/// <summary>Durations on the control endpoint: <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>.</summary>
internal static partial class SandboxDurations
{
    public static bool TryParse(string value, out TimeSpan duration)
    {
        duration = default;
        var match = Form().Match(value.Trim());
        if (!match.Success || !long.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 86_400_000)
        {
            return false;
        }

        duration = match.Groups["u"].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            _ => TimeSpan.FromHours(n),
        };
        return duration <= TimeSpan.FromDays(1);
    }

    [GeneratedRegex("^(?<n>[0-9]{1,9})(?<u>ms|s|m|h)$")]
    private static partial Regex Form();
}
