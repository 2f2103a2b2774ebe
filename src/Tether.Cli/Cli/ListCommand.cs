using System.CommandLine;
using System.Text.Json;
using Tether.Api;
using Tether.Workloads;

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
            Print(await client.ListAsync(all: true, ct), parse.GetValue(all), json: parse.GetValue(format) == "json");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Prints <paramref name="every"/> workload the host has, as the options ask.</summary>
    internal static void Print(IReadOnlyList<WorkloadView> every, bool all, bool json)
    {
        var workloads = all ? every : every.Where(IsShownByDefault).ToList();
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(workloads, ApiJson.Default.IReadOnlyListWorkloadView));
        }
        else
        {
            Write(workloads, TimeProvider.System.GetUtcNow(), ConsoleText.Out, hidden: every.Count - workloads.Count);
        }
    }

    /// <summary>Every workload the user has not stopped: one that needs sign-in or broke stays in sight.</summary>
    internal static bool IsShownByDefault(WorkloadView workload) =>
        !WorkloadStatusNames.TryParse(workload.Status, out var status) || status.IsShownByDefault();

    /// <summary>
    /// The table: NAME, STATUS (with the reason where not running), URL, REMOTE, AGE; then how many stopped workloads
    /// it leaves out (<paramref name="hidden"/>) and how to see them.
    /// </summary>
    internal static void Write(IReadOnlyList<WorkloadView> workloads, DateTimeOffset now, ConsoleText output, int hidden = 0)
    {
        var hiddenLine = hidden switch
        {
            0 => null,
            1 => "1 stopped workload not shown; 'tether list --all' shows it.",
            _ => $"{hidden} stopped workloads not shown; 'tether list --all' shows them.",
        };
        if (workloads.Count == 0)
        {
            output.WriteLine(hiddenLine is null ? "No workloads. Start one with: tether run URL" : $"No workloads running. {hiddenLine}");
            return;
        }

        var table = new TextTable();
        table.AddRow("NAME", "STATUS", "URL", "REMOTE", "AGE");
        foreach (var w in workloads)
        {
            table.AddRow(w.Name, StatusText.Cell(w.Status, w.StatusReason), w.Url ?? "-", w.RemoteUrl, StatusText.Age(now - w.CreatedAt));
        }

        table.Write(output);
        if (hiddenLine is not null)
        {
            output.WriteLine(hiddenLine);
        }
    }
}
