using System.Text.Json;
using Tether.Api;
using Tether.Configuration;
using Tether.Hosting;

namespace Tether.Cli;

/// <summary>
/// The commands people and MCP clients wait on, run before the full command line is built when their arguments are
/// plain: <c>list</c> against a running host. Everything else, and every case this does not expect (no host, an
/// error answer, an option it does not know), goes to <see cref="TetherCommandLine"/>, which does the same work the
/// slow way and says what went wrong.
/// </summary>
internal static class QuickCommands
{
    /// <summary>The exit code when the command ran here; <see langword="null"/> when the full command line must run it.</summary>
    public static int? TryRun(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("list" or "ls") || ListOptions(args.AsSpan(1)) is not { } options)
        {
            return null;
        }

        try
        {
            if (HostInfoFile.TryRead(TetherPaths.FromEnvironment()) is not { } host
                || LoopbackHttp.Get(host, "api/v1/workloads?all=true") is not { Status: 200, Body: var body })
            {
                return null;
            }

            IReadOnlyList<WorkloadView> every;
            using (var json = JsonDocument.Parse(body))
            {
                every = ApiReader.Workloads(json.RootElement);
            }

            ListOutput.Print(every, options.All, options.Json);
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or TetherHomeException)
        {
            // An answer of another version, or a home it cannot read: the full path says what is wrong.
            return null;
        }
    }

    /// <summary><c>[--all] [--format table|json]</c> in any order, or <see langword="null"/> for anything else.</summary>
    private static (bool All, bool Json)? ListOptions(ReadOnlySpan<string> args)
    {
        bool? all = null;
        string? format = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--all" when all is null:
                    all = true;
                    break;
                case "--format" when format is null && i + 1 < args.Length && args[i + 1] is "table" or "json":
                    format = args[++i];
                    break;
                default:
                    return null;
            }
        }

        return (all ?? false, format == "json");
    }
}
