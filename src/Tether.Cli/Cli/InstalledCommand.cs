using System.Reflection;

namespace Tether.Cli;

/// <summary>
/// The command line that starts this installation of tether again, for what is written down to run later: a client's
/// MCP entry (<c>tether stdio NAME</c>), the login service (<c>tether serve</c>).
/// </summary>
internal static class InstalledCommand
{
    /// <summary>Set by the native front end of the tool package: the path it was started by (the tool's shim).</summary>
    internal const string FrontEndVariable = "TETHER_COMMAND";

    /// <summary>
    /// The absolute command followed by <paramref name="args"/>: the path the front end was started by when it started
    /// this process (so that an entry outlives a tool update), else this process's executable, with <c>tether.dll</c>
    /// when that is <c>dotnet</c>.
    /// </summary>
    public static IReadOnlyList<string> With(params string[] args)
    {
        if (Environment.GetEnvironmentVariable(FrontEndVariable) is { Length: > 0 } front && Path.IsPathFullyQualified(front) && File.Exists(front))
        {
            return [front, .. args];
        }

        var process = Environment.ProcessPath ?? throw new CliException("cannot find the tether executable's path");
        return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? [process, Assembly.GetEntryAssembly()!.Location, .. args]
            : [process, .. args];
    }
}
