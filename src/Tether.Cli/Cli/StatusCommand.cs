using System.CommandLine;
using System.Text.Json;
using Tether.Api;

namespace Tether.Cli;

/// <summary><c>tether status NAME [--format table|json]</c>: detail and transition history.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The workload." };
        var format = FormatOption.Create("table", "json");
        var command = new Command("status", "Show a workload's status and its transition history.") { name, format };
        command.SetAction(async (parse, ct) =>
        {
            using var client = await HostClient.ConnectRequiredAsync(ct);
            var detail = await client.GetAsync(parse.GetValue(name)!, ct);
            if (parse.GetValue(format) == "json")
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(detail, ApiJson.Default.WorkloadDetailView));
            }
            else
            {
                Write(detail, ConsoleText.Out);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The workload's fields, one per line, then its history as a table.</summary>
    internal static void Write(WorkloadDetailView detail, ConsoleText output)
    {
        var w = detail.Workload;
        var fields = new TextTable();
        fields.AddRow("Name:", w.Name);
        fields.AddRow("Status:", StatusText.Cell(w.Status, w.StatusReason));
        fields.AddRow("Health:", w.Health);
        fields.AddRow("Local URL:", w.Url ?? "-");
        fields.AddRow("Remote:", w.RemoteUrl);
        fields.AddRow("Transport:", w.Transport);
        fields.AddRow("Auth:", w.Auth + (w.Issuer is null ? "" : $" ({w.Issuer}, client {w.ClientId})"));
        if (w.TokenExpiresAt is { } expires)
        {
            fields.AddRow("Token expires:", StatusText.Time(expires));
        }

        if (w.NextAttemptAt is { } next)
        {
            fields.AddRow("Next attempt:", StatusText.Time(next));
        }

        fields.Write(output);
        output.WriteLine();
        output.WriteLine("History");
        var history = new TextTable();
        history.AddRow("TIME", "FROM", "TO", "REASON");
        foreach (var t in detail.History)
        {
            history.AddRow(StatusText.Time(t.At), t.From, new TextCell(t.To, StatusText.Color(t.To)), t.Reason);
        }

        history.Write(output);
    }
}
