using System.Text.Json.Nodes;

namespace Tether.Cli;

/// <summary>The MCP clients <c>tether client</c> knows, each with the documentation its file location and schema come from.</summary>
internal static class ClientCatalog
{
    // Claude Desktop speaks stdio only to local servers: it runs `tether stdio NAME`.
    // Location and schema (mcpServers → command, args, env): https://modelcontextprotocol.io/quickstart/user
    // (macOS ~/Library/Application Support/Claude/claude_desktop_config.json, Windows %APPDATA%\Claude\…); on Linux
    // the unofficial builds use $XDG_CONFIG_HOME/Claude/claude_desktop_config.json.
    public static readonly ClientDefinition ClaudeDesktop = new(
        "claude-desktop", "Claude Desktop",
        p => Path.Combine(p.AppSettings("Claude"), "claude_desktop_config.json"),
        p => p.AppSettings("Claude"),
        "mcpServers",
        e => StdioEntry(e),
        IsTethersStdio);

    // Claude Code, user scope: top-level mcpServers in ~/.claude.json, {"type": "http", "url": …}.
    // https://code.claude.com/docs/en/mcp (scopes: "user" is stored in ~/.claude.json, all projects).
    public static readonly ClientDefinition ClaudeCode = new(
        "claude-code", "Claude Code",
        p => Path.Combine(p.Home, ".claude.json"),
        p => Path.Combine(p.Home, ".claude"),
        "mcpServers",
        e => new JsonObject { ["type"] = "http", ["url"] = e.Url },
        o => IsTethersUrl(o, "url", "type"));

    // Cursor, global: ~/.cursor/mcp.json (Windows %USERPROFILE%\.cursor\mcp.json), mcpServers → {"url": …} for a remote server.
    // https://cursor.com/docs/mcp
    public static readonly ClientDefinition Cursor = new(
        "cursor", "Cursor",
        p => Path.Combine(p.Home, ".cursor", "mcp.json"),
        p => Path.Combine(p.Home, ".cursor"),
        "mcpServers",
        e => new JsonObject { ["url"] = e.Url },
        o => IsTethersUrl(o, "url"));

    // VS Code, user profile mcp.json (Code/User/mcp.json under the per-OS settings folder), top-level "servers" →
    // {"type": "http", "url": …}. https://code.visualstudio.com/docs/copilot/reference/mcp-configuration
    public static readonly ClientDefinition VsCode = new(
        "vscode", "VS Code",
        p => Path.Combine(p.AppSettings("Code"), "User", "mcp.json"),
        p => p.AppSettings("Code"),
        "servers",
        e => new JsonObject { ["type"] = "http", ["url"] = e.Url },
        o => IsTethersUrl(o, "url", "type"));

    // Windsurf: ~/.codeium/windsurf/mcp_config.json on every OS, mcpServers → {"serverUrl": …} for remote HTTP servers.
    // https://docs.windsurf.com/windsurf/cascade/mcp
    public static readonly ClientDefinition Windsurf = new(
        "windsurf", "Windsurf",
        p => Path.Combine(p.Home, ".codeium", "windsurf", "mcp_config.json"),
        p => Path.Combine(p.Home, ".codeium", "windsurf"),
        "mcpServers",
        e => new JsonObject { ["serverUrl"] = e.Url },
        o => IsTethersUrl(o, "serverUrl"));

    public static IReadOnlyList<ClientDefinition> All { get; } = [ClaudeDesktop, ClaudeCode, Cursor, VsCode, Windsurf];

    public static IEnumerable<string> Ids => All.Select(c => c.Id);

    public static ClientDefinition? Find(string id) => All.FirstOrDefault(c => c.Id.Equals(id, StringComparison.OrdinalIgnoreCase));

    private static JsonObject StdioEntry(ClientEntry entry)
    {
        var server = new JsonObject
        {
            ["command"] = entry.Command,
            ["args"] = new JsonArray([.. entry.Arguments.Select(a => (JsonNode?)JsonValue.Create(a))]),
        };
        if (entry.Environment.Count > 0)
        {
            var env = new JsonObject();
            foreach (var (key, value) in entry.Environment)
            {
                env[key] = value;
            }

            server["env"] = env;
        }

        return server;
    }

    /// <summary>A command entry ending in <c>stdio NAME</c>, run by tether (or dotnet running tether.dll).</summary>
    private static bool IsTethersStdio(JsonObject server) =>
        server["command"] is JsonValue command && command.TryGetValue(out string? path)
        && Path.GetFileNameWithoutExtension(path) is "tether" or "dotnet"
        && server["args"] is JsonArray args && args.Count >= 2
        && args[^2] is JsonValue verb && verb.TryGetValue(out string? word) && word == "stdio";

    /// <summary>A URL entry pointing at a loopback endpoint on 127.0.0.1 (where Tether's endpoints listen), with no key Tether does not write.</summary>
    private static bool IsTethersUrl(JsonObject server, string urlKey, params string[] otherKeys) =>
        server[urlKey] is JsonValue value && value.TryGetValue(out string? text)
        && Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttp && url.Host == "127.0.0.1"
        && server.All(p => p.Key == urlKey || otherKeys.Contains(p.Key));
}
