using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tether.Api;

namespace Tether.Cli;

/// <summary><c>tether list [--all] [--format table|json]</c>.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var all = new Option<bool>("--all") { Description = "Show every workload, not only running and auth_retrying ones." };
        var format = FormatOption.Create("table", "json");
        var command = new Command("list", "List workloads.") { all, format };
        command.Aliases.Add("ls");
        command.SetAction(async (parse, ct) =>
        {
            using var client = await HostClient.ConnectRequiredAsync(ct);
            var workloads = await client.ListAsync(parse.GetValue(all), ct);
            if (parse.GetValue(format) == "json")
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(workloads, ApiJson.Default.IReadOnlyListWorkloadView));
            }
            else
            {
                Write(workloads);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Write(IReadOnlyList<WorkloadView> workloads)
    {
        if (workloads.Count == 0)
        {
            Console.Out.WriteLine("No workloads. Start one with: tether run URL");
            return;
        }

        var table = new Table().Border(TableBorder.Simple);
        table.AddColumns("NAME", "STATUS", "URL", "REMOTE", "AGE");
        var now = TimeProvider.System.GetUtcNow();
        foreach (var w in workloads)
        {
            table.AddRow(
                Markup.Escape(w.Name),
                StatusText.Markup(w.Status, w.StatusReason),
                Markup.Escape(w.Url ?? ""),
                Markup.Escape(w.RemoteUrl),
                StatusText.Age(now - w.CreatedAt));
        }

        AnsiConsole.Write(table);
    }
}
