using System.CommandLine;
using ModelContextProtocol.Server;

namespace Tether.Cli;

/// <summary>
/// <c>tether stdio NAME|URL</c>: MCP over stdin/stdout for a stdio-only client, relayed to the workload's local
/// endpoint. Stdout carries MCP messages only: everything for the user goes to stderr (the client's log).
/// </summary>
internal static class StdioCommand
{
    /// <summary>The command; <paramref name="started"/> is what <see cref="StdioQuickStart"/> already did for it.</summary>
    public static Command Create(StdioStart? started = null)
    {
        var target = new Argument<string>("NAME|URL") { Description = "A workload's name, or a remote MCP server's URL (added as a workload on first use)." };
        var command = new Command("stdio", "Speak MCP over stdin/stdout, relayed to a workload (for stdio-only MCP clients).") { target };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(target)!;
            using var workload = new StdioTarget(name);
            var resumed = started?.Name == name ? started : null;
            await using var stdio = resumed is null
                ? new StdioServerTransport("tether")
                : new StreamServerTransport(new PrefixedStdin(resumed.Unread, resumed.Stdin), new BufferedStream(Console.OpenStandardOutput()), "tether");
            await using var bridge = new StdioBridge(workload, stdio, resumed?.Session);
            await bridge.RunAsync(ct);
            return ExitCodes.Ok;
        });
        return command;
    }
}
