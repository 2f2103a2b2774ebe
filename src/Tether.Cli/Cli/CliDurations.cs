using Tether.Configuration;

namespace Tether.Cli;

/// <summary>Duration options (<c>--auth-timeout 5m</c>): the settings' form, a usage error otherwise.</summary>
internal static class CliDurations
{
    public static TimeSpan Parse(string value, string option) =>
        DurationParser.TryParse(value, out var duration) && duration > TimeSpan.Zero
            ? duration
            : throw new CliException($"{option} '{value}' is not {DurationParser.ExpectedForm}", ExitCodes.Usage);
}
