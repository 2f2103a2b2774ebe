using System.CommandLine;
using ModelContextProtocol.Server;

namespace Tether.Cli;

/// <summary>
/// <c>tether stdio NAME|URL</c>: MCP over stdin/stdout for a stdio-only client, relayed to the workload's local
/// endpoint. Stdout carries MCP messages only: everything for the user goes to stderr (the client's log).
/// </summary>
internal static class StdioCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("NAME|URL") { Description = "A workload's name, or a remote MCP server's URL (added as a workload on first use)." };
        var command = new Command("stdio", "Speak MCP over stdin/stdout, relayed to a workload (for stdio-only MCP clients).") { target };
        command.SetAction(async (parse, ct) =>
        {
            using var workload = new StdioTarget(parse.GetValue(target)!);
            await using var stdio = new StdioServerTransport("tether");
            await using var bridge = new StdioBridge(workload, stdio);
            await bridge.RunAsync(ct);
            return ExitCodes.Ok;
        });
        return command;
    }
}
