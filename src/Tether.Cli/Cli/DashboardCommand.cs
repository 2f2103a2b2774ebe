using System.CommandLine;

namespace Tether.Cli;

/// <summary><c>tether dashboard [--print-url]</c>: the host's page in the browser, through a one-time URL.</summary>
internal static class DashboardCommand
{
    public static Command Create()
    {
        var printUrl = new Option<bool>("--print-url") { Description = "Print the one-time URL instead of opening a browser (it works once, within a minute)." };
        var command = new Command("dashboard", "Open the dashboard: every workload's status, reason, health and timeline, live.") { printUrl };
        command.SetAction(async (parse, ct) =>
        {
            using var client = await HostClient.ConnectRequiredAsync(ct);
            var url = await client.DashboardLinkAsync(ct);
            if (parse.GetValue(printUrl))
            {
                Console.Out.WriteLine(url);
                return ExitCodes.Ok;
            }

            if (SystemBrowser.TryOpen(url, out var error))
            {
                Console.Out.WriteLine("Opened the Tether dashboard in your browser.");
                return ExitCodes.Ok;
            }

            Console.Error.WriteLine($"tether: could not open a browser ({error}); open this one-time URL within a minute:");
            Console.Out.WriteLine(url);
            return ExitCodes.Ok;
        });
        return command;
    }
}
