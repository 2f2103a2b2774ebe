using System.Security;
using System.Text;

namespace Tether.Cli;

/// <summary>The login service files that run <c>tether serve</c>: a systemd user unit and a launchd agent.</summary>
internal static class ServiceFiles
{
    /// <summary>The launchd agent's label (also its file name).</summary>
    public const string LaunchdLabel = "dev.tether.host";

    public static string SystemdUnitPath(ClientPaths paths) => Path.Combine(paths.XdgConfig, "systemd", "user", "tether.service");

    public static string LaunchAgentPath(ClientPaths paths) => Path.Combine(paths.Home, "Library", "LaunchAgents", LaunchdLabel + ".plist");

    /// <summary>A systemd user unit; <paramref name="command"/> is the program and its arguments, ending with <c>serve</c>.</summary>
    public static string SystemdUnit(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment)
    {
        var unit = new StringBuilder()
            .Append("[Unit]\n")
            .Append("Description=Tether: remote MCP servers behind OAuth on stable local endpoints\n")
            .Append("After=network-online.target\n")
            .Append('\n')
            .Append("[Service]\n")
            .Append("Type=simple\n")
            .Append("ExecStart=").Append(string.Join(' ', command.Select(SystemdQuote))).Append('\n');
        foreach (var (key, value) in environment)
        {
            unit.Append("Environment=").Append(SystemdQuote($"{key}={value}")).Append('\n');
        }

        return unit
            .Append("Restart=on-failure\n")
            .Append("RestartSec=5\n")
            .Append('\n')
            .Append("[Install]\n")
            .Append("WantedBy=default.target\n")
            .ToString();
    }

    /// <summary>A launchd agent that starts at login and again when it fails.</summary>
    public static string LaunchAgent(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        var plist = new StringBuilder()
            .Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .Append("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n")
            .Append("<plist version=\"1.0\">\n<dict>\n")
            .Append("  <key>Label</key>\n  <string>").Append(LaunchdLabel).Append("</string>\n")
            .Append("  <key>ProgramArguments</key>\n  <array>\n");
        foreach (var word in command)
        {
            plist.Append("    <string>").Append(SecurityElement.Escape(word)).Append("</string>\n");
        }

        plist.Append("  </array>\n");
        if (environment.Count > 0)
        {
            plist.Append("  <key>EnvironmentVariables</key>\n  <dict>\n");
            foreach (var (key, value) in environment)
            {
                plist.Append("    <key>").Append(SecurityElement.Escape(key)).Append("</key>\n    <string>").Append(SecurityElement.Escape(value)).Append("</string>\n");
            }

            plist.Append("  </dict>\n");
        }

        return plist
            .Append("  <key>RunAtLoad</key>\n  <true/>\n")
            .Append("  <key>KeepAlive</key>\n  <dict>\n    <key>SuccessfulExit</key>\n    <false/>\n  </dict>\n")
            .Append("  <key>StandardErrorPath</key>\n  <string>").Append(SecurityElement.Escape(logPath)).Append("</string>\n")
            .Append("</dict>\n</plist>\n")
            .ToString();
    }

    /// <summary>
    /// One word of a systemd command line or assignment, double-quoted with backslash escapes; '%' doubled, since
    /// systemd expands specifiers such as %h inside quotes too.
    /// </summary>
    internal static string SystemdQuote(string word) =>
        "\"" + word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("%", "%%", StringComparison.Ordinal) + "\"";
}
