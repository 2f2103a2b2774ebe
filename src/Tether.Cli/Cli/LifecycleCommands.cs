using System.CommandLine;

namespace Tether.Cli;

/// <summary><c>tether stop NAME</c>, <c>tether start NAME</c> (alias <c>restart</c>), <c>tether rm NAME</c>.</summary>
internal static class LifecycleCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Make("stop", "Stop a workload (it stays stopped across host restarts).", async (c, n, ct) =>
        {
            await c.StopAsync(n, ct);
            Console.Out.WriteLine($"{n} stopped");
            return ExitCodes.Ok;
        });

        // Start reports the status the workload reached, not that it was asked to start: exit 1 for error or unauthenticated.
        var start = Make("start", "Start a stopped workload, or restart a running one.", async (c, n, ct) =>
        {
            var view = await c.StartAsync(n, ct);
            view = await SignInWait.UntilSettledAsync(c, view, skipBrowser: true, ct);
            return RunCommand.Report(view);
        });
        start.Aliases.Add("restart");
        yield return start;
        yield return Make("rm", "Remove a workload and its secrets.", async (c, n, ct) =>
        {
            await c.RemoveAsync(n, ct);
            Console.Out.WriteLine($"{n} removed");
            return ExitCodes.Ok;
        });
    }

    private static Command Make(string verb, string description, Func<HostClient, string, CancellationToken, Task<int>> action)
    {
        var name = new Argument<string>("NAME") { Description = "The workload." };
        var command = new Command(verb, description) { name };
        command.SetAction(async (parse, ct) =>
        {
            using var client = await HostClient.ConnectRequiredAsync(ct);
            return await action(client, parse.GetValue(name)!, ct);
        });
        return command;
    }
}
