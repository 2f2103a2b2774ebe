using System.Text.Json;
using Tether.Api;
using Tether.Workloads;

namespace Tether.Cli;

/// <summary>
/// What <c>tether list</c> prints: the table or the JSON. Shared by the full command line and the quick path (in the
/// managed CLI and in the native front end), so that the answer is the same whichever ran.
/// </summary>
internal static class ListOutput
{
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
