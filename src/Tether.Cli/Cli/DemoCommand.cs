using System.CommandLine;

namespace Tether.Cli;

/// <summary><c>tether demo</c>: the whole story on the embedded sandbox, in about a minute, with nothing to set up.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Play the whole story on an embedded OAuth + MCP server: sign-in, a WAF, an outage, a revoked grant, reauth.");
        command.SetAction(async (_, ct) => await new DemoStory(Console.Out).RunAsync(ct));
        return command;
    }
}
