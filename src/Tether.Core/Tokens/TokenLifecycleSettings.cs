using System.Globalization;
using Tether.Configuration;

namespace Tether.Tokens;

/// <summary>
/// Reads <see cref="TokenLifecycleOptions"/> from environment variables (<c>TETHER_TOKEN_…</c>) and config-file keys (the
/// same name lower-cased without <c>TETHER_</c>, e.g. <c>token_refresh_max_tries</c>); the environment wins. Every value
/// is checked and every problem reported together.
/// </summary>
public static class TokenLifecycleSettings
{
    private delegate string? Apply(ref TokenLifecycleOptions options, string value);

    private static readonly (string Name, string Form, Apply Apply)[] Settings =
    [
        Duration("TETHER_TOKEN_REFRESH_INITIAL_RETRY_INTERVAL", (o, v) => o with { RefreshInitialRetryInterval = v }),
        Duration("TETHER_TOKEN_REFRESH_MAX_RETRY_INTERVAL", (o, v) => o with { RefreshMaxRetryInterval = v }),
        ("TETHER_TOKEN_REFRESH_MAX_TRIES", "a whole number from 1 to 100", (ref TokenLifecycleOptions o, string v) =>
        {
            if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var tries) || tries is < 1 or > 100)
            {
                return "a whole number from 1 to 100";
            }

            o = o with { RefreshMaxTries = tries };
            return null;
        }),
        Duration("TETHER_TOKEN_REFRESH_MAX_ELAPSED_TIME", (o, v) => o with { RefreshMaxElapsedTime = v }),
        Duration("TETHER_TOKEN_AUTH_RETRYING_TICK_INTERVAL", (o, v) => o with { AuthRetryingTickInterval = v }),
        Duration("TETHER_TOKEN_AUTH_RETRYING_MAX_ELAPSED", (o, v) => o with { AuthRetryingMaxElapsed = v }),
        Duration("TETHER_TOKEN_PROBE_MIN_INTERVAL", (o, v) => o with { ProbeMinInterval = v }),
        Duration("TETHER_TOKEN_REQUEST_WAIT", (o, v) => o with { RequestWait = v }),
        ("TETHER_TOKEN_REFRESH_AHEAD", "a fraction between 0 and 1 such as 0.8", (ref TokenLifecycleOptions o, string v) =>
        {
            if (!double.TryParse(v, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var fraction) || fraction is <= 0 or >= 1)
            {
                return "a fraction between 0 and 1 such as 0.8";
            }

            o = o with { RefreshAhead = fraction };
            return null;
        }),
    ];

    /// <summary>Every setting's environment variable name.</summary>
    public static IEnumerable<string> Names => Settings.Select(s => s.Name);

    /// <summary>The config-file key of a setting: <c>TETHER_TOKEN_REQUEST_WAIT</c> → <c>token_request_wait</c>.</summary>
    public static string FileKey(string name) => name["TETHER_".Length..].ToLowerInvariant();

    /// <summary>Reads and checks every setting; throws <see cref="SettingsException"/> listing every bad value.</summary>
    /// <param name="environment">Looks up an environment variable (<see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    /// <param name="file">The config file's keys and values, or <see langword="null"/> when there is none.</param>
    public static TokenLifecycleOptions Load(Func<string, string?> environment, IReadOnlyDictionary<string, string?>? file)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var options = new TokenLifecycleOptions();
        var errors = new List<string>();
        foreach (var (name, form, apply) in Settings)
        {
            var key = FileKey(name);
            string? value = environment(name);
            var source = name;
            if (value is null && file is not null && file.TryGetValue(key, out var fromFile))
            {
                value = fromFile;
                source = $"{key} (config file)";
            }

            if (value is null)
            {
                continue;
            }

            if (apply(ref options, value.Trim()) is { } expected)
            {
                errors.Add($"{source}: '{value}' is not {expected}");
            }
        }

        if (file is not null)
        {
            var known = Settings.Select(s => FileKey(s.Name)).ToHashSet(StringComparer.Ordinal);
            errors.AddRange(file.Keys.Where(k => k.StartsWith("token_", StringComparison.Ordinal) && !known.Contains(k))
                .Select(k => $"{k} (config file): not a setting; known: {string.Join(", ", known)}"));
        }

        errors.AddRange(Validate(options));
        return errors.Count == 0 ? options : throw new SettingsException(errors);
    }

    /// <summary>The rules that tie settings together; each broken one as a line naming the settings.</summary>
    public static IEnumerable<string> Validate(TokenLifecycleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.RefreshMaxRetryInterval < options.RefreshInitialRetryInterval)
        {
            yield return "TETHER_TOKEN_REFRESH_MAX_RETRY_INTERVAL must be at least TETHER_TOKEN_REFRESH_INITIAL_RETRY_INTERVAL";
        }

        if (options.AuthRetryingMaxElapsed < options.AuthRetryingTickInterval)
        {
            yield return "TETHER_TOKEN_AUTH_RETRYING_MAX_ELAPSED must be at least TETHER_TOKEN_AUTH_RETRYING_TICK_INTERVAL";
        }
    }

    private static (string, string, Apply) Duration(string name, Func<TokenLifecycleOptions, TimeSpan, TokenLifecycleOptions> set) =>
        (name, DurationParser.ExpectedForm, (ref TokenLifecycleOptions o, string v) =>
        {
            if (!DurationParser.TryParse(v, out var duration) || duration <= TimeSpan.Zero)
            {
                return "a positive " + DurationParser.ExpectedForm;
            }

            o = set(o, duration);
            return null;
        });
}
