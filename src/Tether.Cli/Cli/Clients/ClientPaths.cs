namespace Tether.Cli;

/// <summary>Where the user's folders are, read once from the environment; tests give a temporary home.</summary>
internal sealed record ClientPaths(string Home, string AppData, string XdgConfig, ClientPlatform Platform)
{
    public static ClientPaths FromEnvironment()
    {
        var home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h && !OperatingSystem.IsWindows()
            ? h
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var appData = Environment.GetEnvironmentVariable("APPDATA") is { Length: > 0 } a ? a : Path.Combine(home, "AppData", "Roaming");
        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } x && Path.IsPathFullyQualified(x) ? x : Path.Combine(home, ".config");
        var platform = OperatingSystem.IsWindows() ? ClientPlatform.Windows : OperatingSystem.IsMacOS() ? ClientPlatform.MacOS : ClientPlatform.Linux;
        return new ClientPaths(home, appData, xdg, platform);
    }

    /// <summary>The per-OS folder an Electron app (Claude Desktop, VS Code) keeps its user settings in.</summary>
    public string AppSettings(string app) => Platform switch
    {
        ClientPlatform.MacOS => Path.Combine(Home, "Library", "Application Support", app),
        ClientPlatform.Windows => Path.Combine(AppData, app),
        _ => Path.Combine(XdgConfig, app),
    };
}
