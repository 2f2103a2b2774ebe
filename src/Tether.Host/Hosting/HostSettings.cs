using System.Text.Json;
using Tether.Configuration;
using Tether.Tokens;

namespace Tether.Hosting;

/// <summary>The host's settings: <c>TETHER_TOKEN_*</c> from the environment over <c>TETHER_HOME/config.json</c>.</summary>
public static class HostSettings
{
    /// <summary>The environment variable of <see cref="LoadServerAnswerWait"/>.</summary>
    public const string ServerAnswerWaitVariable = "TETHER_SERVER_ANSWER_WAIT";

    /// <summary>The default of <see cref="LoadServerAnswerWait"/>.</summary>
    public static readonly TimeSpan DefaultServerAnswerWait = TimeSpan.FromSeconds(15);

    /// <summary>Reads and checks every setting.</summary>
    /// <exception cref="SettingsException">A value is bad, or the config file is not a flat JSON object.</exception>
    public static TokenLifecycleOptions Load(TetherPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return TokenLifecycleSettings.Load(Environment.GetEnvironmentVariable, ReadConfigFile(paths.ConfigPath));
    }

    /// <summary>
    /// How long sign-in waits for one answer from a server (the MCP URL, metadata, registration, code exchange):
    /// <c>TETHER_SERVER_ANSWER_WAIT</c>, else <c>server_answer_wait</c> in the config file, else
    /// <see cref="DefaultServerAnswerWait"/>.
    /// </summary>
    /// <exception cref="SettingsException">The value is not a positive duration.</exception>
    public static TimeSpan LoadServerAnswerWait(TetherPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var source = ServerAnswerWaitVariable;
        var value = Environment.GetEnvironmentVariable(ServerAnswerWaitVariable);
        if (value is null && ReadConfigFile(paths.ConfigPath) is { } file && file.TryGetValue("server_answer_wait", out var fromFile))
        {
            (value, source) = (fromFile, "server_answer_wait (config file)");
        }

        if (value is null)
        {
            return DefaultServerAnswerWait;
        }

        return DurationParser.TryParse(value.Trim(), out var wait) && wait > TimeSpan.Zero
            ? wait
            : throw new SettingsException($"{source}: '{value}' is not a positive {DurationParser.ExpectedForm}");
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
