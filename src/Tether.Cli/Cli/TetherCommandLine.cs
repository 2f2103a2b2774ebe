using System.CommandLine;

namespace Tether.Cli;

/// <summary>The <c>tether</c> command line: parses, runs one command, maps expected failures to exit codes.</summary>
internal static class TetherCommandLine
{
    /// <summary>Runs <paramref name="args"/>; <paramref name="stdio"/> is what <see cref="StdioQuickStart"/> already did.</summary>
    public static async Task<int> RunAsync(string[] args, StdioStart? stdio = null)
    {
        var root = Build(stdio);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await Console.Error.WriteLineAsync($"tether: {error.Message}");
            }

            await Console.Error.WriteLineAsync("Run 'tether --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,

                // Ctrl-C during a sign-in wait tells the host to stop waiting and says so: give that a moment.
                ProcessTerminationTimeout = TimeSpan.FromSeconds(5),
            });
        }
        catch (CliException ex)
        {
            await Console.Error.WriteLineAsync($"tether: {ex.Message}");
            return ex.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Failed;
        }
        catch (Exception ex) when (ex is Workloads.WorkloadException or Configuration.TetherHomeException or Store.TetherStoreException)
        {
            await Console.Error.WriteLineAsync($"tether: {HostStartReport.OneLine(ex.Message)}");
            return ExitCodes.Failed;
        }
#pragma warning disable CA1031 // The last line of defence: no stack trace reaches a user.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"tether: unexpected failure ({ex.GetType().Name}: {HostStartReport.OneLine(ex.Message)}); please report it");
            return ExitCodes.Failed;
        }
    }

    public static RootCommand Build(StdioStart? stdio = null)
    {
        var root = new RootCommand("Tether: use remote MCP servers behind OAuth through a stable local endpoint.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        foreach (var command in LifecycleCommands.Create())
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(ReauthCommand.Create());
        root.Subcommands.Add(LogsCommand.Create());
        root.Subcommands.Add(DashboardCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(SandboxCommand.Create());
        root.Subcommands.Add(StdioCommand.Create(stdio));
        root.Subcommands.Add(ClientCommand.Create());
        root.Subcommands.Add(ServiceCommand.Create());
        return root;
    }
}
