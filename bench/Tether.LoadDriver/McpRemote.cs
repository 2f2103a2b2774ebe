using System.Diagnostics;

namespace Tether.LoadDriver;

/// <summary>mcp-remote as installed by bench/mcp-remote/install.sh, run by node directly (no npx in the timing).</summary>
internal static class McpRemote
{
    /// <summary>Its proxy.js, or <see langword="null"/> when it is not installed.</summary>
    public static string? Find()
    {
        var proxy = Path.Combine(ChildProcess.RepositoryRoot(), "bench", "mcp-remote", "node_modules", "mcp-remote", "dist", "proxy.js");
        return File.Exists(proxy) ? proxy : null;
    }

    public static ProcessStartInfo Start(string proxy, Uri server, string token, string home)
    {
        var start = new ProcessStartInfo("node");
        start.ArgumentList.Add(proxy);
        start.ArgumentList.Add(server.AbsoluteUri);
        start.ArgumentList.Add("--header");
        start.ArgumentList.Add("Authorization:Bearer " + token);
        start.ArgumentList.Add("--transport");
        start.ArgumentList.Add("http-only");
        // Its OAuth state (~/.mcp-auth) in the run's own folder, not the user's.
        start.Environment["HOME"] = home;
        start.Environment["MCP_REMOTE_CONFIG_DIR"] = Path.Combine(home, "mcp-remote");
        return start;
    }
}
