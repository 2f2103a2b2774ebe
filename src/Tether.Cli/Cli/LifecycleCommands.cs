using System.CommandLine;

namespace Tether.Cli;

/// <summary><c>tether stop NAME</c>, <c>tether start NAME</c> (alias <c>restart</c>), <c>tether rm NAME</c>.</summary>
internal static class LifecycleCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Make("stop", "Stop a workload (it stays stopped across host restarts).", (c, n, ct) => c.StopAsync(n, ct), "stopped");
        var start = Make("start", "Start a stopped workload, or restart a running one.", (c, n, ct) => c.StartAsync(n, ct), "started");
        start.Aliases.Add("restart");
        yield return start;
        yield return Make("rm", "Remove a workload and its secrets.", (c, n, ct) => c.RemoveAsync(n, ct), "removed");
    }

    private static Command Make(string verb, string description, Func<HostClient, string, CancellationToken, Task> action, string done)
    {
        var name = new Argument<string>("NAME") { Description = "The workload." };
        var command = new Command(verb, description) { name };
        command.SetAction(async (parse, ct) =>
        {
            using var client = await HostClient.ConnectRequiredAsync(ct);
            var workload = parse.GetValue(name)!;
            await action(client, workload, ct);
            Console.Out.WriteLine($"{workload} {done}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
