using System.CommandLine;
using Tether.Api;

namespace Tether.Cli;

/// <summary><c>tether list [--all] [--format table|json]</c>.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var all = new Option<bool>("--all") { Description = "Show stopped workloads too." };
        var format = FormatOption.Create("table", "json");
        var command = new Command("list", "List workloads.") { all, format };
        command.Aliases.Add("ls");
        command.SetAction(async (parse, ct) =>
        {
            using var client = await HostClient.ConnectRequiredAsync(ct);
            ListOutput.Print(await client.ListAsync(all: true, ct), parse.GetValue(all), json: parse.GetValue(format) == "json");
            return ExitCodes.Ok;
        });
        return command;
    }
}
