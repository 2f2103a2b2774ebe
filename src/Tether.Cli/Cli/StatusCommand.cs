using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
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
                Write(detail);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Write(WorkloadDetailView detail)
    {
        var w = detail.Workload;
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("[bold]Name[/]", Markup.Escape(w.Name));
        grid.AddRow("[bold]Status[/]", StatusText.Markup(w.Status, w.StatusReason));
        grid.AddRow("[bold]Health[/]", Markup.Escape(w.Health));
        grid.AddRow("[bold]Local URL[/]", Markup.Escape(w.Url ?? "-"));
        grid.AddRow("[bold]Remote[/]", Markup.Escape(w.RemoteUrl));
        grid.AddRow("[bold]Transport[/]", Markup.Escape(w.Transport));
        grid.AddRow("[bold]Auth[/]", Markup.Escape(w.Auth + (w.Issuer is null ? "" : $" ({w.Issuer}, client {w.ClientId})")));
        if (w.TokenExpiresAt is { } expires)
        {
            grid.AddRow("[bold]Token expires[/]", StatusText.Time(expires));
        }

        if (w.NextAttemptAt is { } next)
        {
            grid.AddRow("[bold]Next attempt[/]", StatusText.Time(next));
        }

        AnsiConsole.Write(grid);
        AnsiConsole.WriteLine();
        var table = new Table().Border(TableBorder.Simple).Title("History");
        table.AddColumns("TIME", "FROM", "TO", "REASON");
        foreach (var t in detail.History)
        {
            table.AddRow(StatusText.Time(t.At), Markup.Escape(t.From), StatusText.Markup(t.To, null), Markup.Escape(t.Reason));
        }

        AnsiConsole.Write(table);
    }
}
