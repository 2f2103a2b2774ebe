using System.CommandLine;
using Tether.Sandbox;

namespace Tether.Cli;

/// <summary><c>tether sandbox [--port N] [--token-lifetime 30s] [--format text|json]</c>: the embedded OAuth + MCP server alone.</summary>
internal static class SandboxCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "The port to listen on (default: a free one).", DefaultValueFactory = _ => 0 };
        var lifetime = new Option<string>("--token-lifetime") { Description = "Access-token lifetime (e.g. 30s).", DefaultValueFactory = _ => "1h" };
        var format = FormatOption.Create("text", "json");
        var command = new Command("sandbox", "Run the embedded OAuth authorization server and MCP server in the foreground.") { port, lifetime, format };
        command.SetAction(async (parse, ct) =>
        {
            var options = new SandboxOptions
            {
                Port = parse.GetValue(port),
                AccessTokenLifetime = CliDurations.Parse(parse.GetValue(lifetime)!, "--token-lifetime"),
            };
            await using var sandbox = await SandboxServer.StartAsync(options, ct);
            Console.Out.WriteLine(parse.GetValue(format) == "json" ? sandbox.DescribeJson() : sandbox.DescribeText());
            await Console.Out.FlushAsync(ct);
            await Task.Delay(Timeout.InfiniteTimeSpan, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return ExitCodes.Ok;
        });
        return command;
    }
}
