using System.Text.Json;
using Tether.Configuration;
using Tether.Tokens;

namespace Tether.Hosting;

/// <summary>The host's settings: <c>TETHER_TOKEN_*</c> from the environment over <c>TETHER_HOME/config.json</c>.</summary>
public static class HostSettings
{
    /// <summary>Reads and checks every setting.</summary>
    /// <exception cref="SettingsException">A value is bad, or the config file is not a flat JSON object.</exception>
    public static TokenLifecycleOptions Load(TetherPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return TokenLifecycleSettings.Load(Environment.GetEnvironmentVariable, ReadConfigFile(paths.ConfigPath));
    }

    private static Dictionary<string, string?>? ReadConfigFile(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SettingsException($"{path}: expected a JSON object of settings such as {{\"token_request_wait\": \"10s\"}}");
            }

            return json.RootElement.EnumerateObject().ToDictionary(
                p => p.Name,
                p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText(),
                StringComparer.Ordinal);
        }
        catch (JsonException ex)
        {
            throw new SettingsException($"{path}: not valid JSON ({ex.Message})");
        }
    }
}
