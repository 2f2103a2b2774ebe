using System.CommandLine;
using System.Text.Json;
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
                Write(workloads, TimeProvider.System.GetUtcNow(), ConsoleText.Out);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The table: NAME, STATUS (with the reason where not running), URL, REMOTE, AGE.</summary>
    internal static void Write(IReadOnlyList<WorkloadView> workloads, DateTimeOffset now, ConsoleText output)
    {
        if (workloads.Count == 0)
        {
            output.WriteLine("No workloads. Start one with: tether run URL");
            return;
        }

        var table = new TextTable();
        table.AddRow("NAME", "STATUS", "URL", "REMOTE", "AGE");
        foreach (var w in workloads)
        {
            table.AddRow(w.Name, StatusText.Cell(w.Status, w.StatusReason), w.Url ?? "-", w.RemoteUrl, StatusText.Age(now - w.CreatedAt));
        }

        table.Write(output);
    }
}
