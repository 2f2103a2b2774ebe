using System.CommandLine;

namespace Tether.Cli;

/// <summary><c>tether reauth NAME [--reregister]</c>: a new sign-in without losing the workload.</summary>
internal static class ReauthCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The workload." };
        var reregister = new Option<bool>("--reregister") { Description = "Drop the cached client registration and register a new client." };
        var skipBrowser = new Option<bool>("--skip-browser") { Description = "Print the sign-in URL instead of opening a browser." };
        var command = new Command("reauth", "Sign in again (keeps the workload, its port and its settings).") { name, reregister, skipBrowser };
        command.SetAction(async (parse, ct) =>
        {
            using var client = await HostClient.ConnectRequiredAsync(ct);
            var workload = parse.GetValue(name)!;
            var view = await client.ReauthAsync(workload, parse.GetValue(reregister), ct);
            view = await SignInWait.UntilSettledAsync(client, view, parse.GetValue(skipBrowser), ct);
            return RunCommand.Report(view);
        });
        return command;
    }
}
