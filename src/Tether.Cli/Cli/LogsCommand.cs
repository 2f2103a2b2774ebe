using System.CommandLine;
using Tether.Configuration;

namespace Tether.Cli;

/// <summary><c>tether logs NAME [--follow]</c>: the workload's log file, read directly from <c>TETHER_HOME</c>.</summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The workload." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until Ctrl-C." };
        var command = new Command("logs", "Show a workload's logs.") { name, follow };
        command.SetAction(async (parse, ct) =>
        {
            var workload = parse.GetValue(name)!;
            var path = TetherPaths.FromEnvironment().WorkloadLogPath(workload);
            if (!File.Exists(path))
            {
                throw new CliException($"no logs for '{workload}' (looked in {path}); 'tether list --all' shows the workloads");
            }

            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            await Console.Out.WriteAsync(await reader.ReadToEndAsync(ct));
            if (!parse.GetValue(follow))
            {
                return ExitCodes.Ok;
            }

            while (!ct.IsCancellationRequested)
            {
                var more = await reader.ReadToEndAsync(ct);
                if (more.Length > 0)
                {
                    await Console.Out.WriteAsync(more);
                    await Console.Out.FlushAsync(ct);
                }
                else
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
