using System.Text.Json;
using Tether.Configuration;

namespace Tether.Notifications;

/// <summary>
/// The user's status hook from <c>TETHER_HOME/config.json</c>: <c>"on_status_change": ["cmd", "arg", …]</c> (run
/// without a shell) and <c>"on_status_change_timeout": "10s"</c>.
/// </summary>
internal sealed record NotificationSettings(IReadOnlyList<string>? Hook, TimeSpan HookTimeout)
{
    public const string HookKey = "on_status_change";
    public const string TimeoutKey = "on_status_change_timeout";

    /// <summary>How long a hook may run before it is killed.</summary>
    /// <value>The default value is 10 seconds.</value>
    public static readonly TimeSpan DefaultHookTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Reads both keys; a bad value is a <see cref="SettingsException"/> naming the key and the expected form.</summary>
    public static NotificationSettings Load(string configPath)
    {
        if (!File.Exists(configPath))
        {
            return new NotificationSettings(null, DefaultHookTimeout);
        }

        JsonElement root;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(configPath));
            root = json.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new SettingsException($"{configPath}: not valid JSON ({ex.Message})");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SettingsException($"{configPath}: expected a JSON object of settings");
        }

        var errors = new List<string>();
        IReadOnlyList<string>? hook = null;
        if (root.TryGetProperty(HookKey, out var command))
        {
            if (command.ValueKind == JsonValueKind.Array && command.GetArrayLength() > 0
                && command.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(e.GetString())))
            {
                hook = [.. command.EnumerateArray().Select(e => e.GetString()!)];
            }
            else
            {
                errors.Add($"{HookKey} (config file): expected a command and its arguments as a JSON array of strings, e.g. [\"notify-me\", \"--quiet\"]");
            }
        }

        var timeout = DefaultHookTimeout;
        if (root.TryGetProperty(TimeoutKey, out var limit))
        {
            if (limit.ValueKind != JsonValueKind.String || !DurationParser.TryParse(limit.GetString(), out timeout) || timeout <= TimeSpan.Zero)
            {
                errors.Add($"{TimeoutKey} (config file): expected a positive duration such as 500ms, 10s or 1m");
            }
        }

        return errors.Count > 0 ? throw new SettingsException(errors) : new NotificationSettings(hook, timeout);
    }
}
