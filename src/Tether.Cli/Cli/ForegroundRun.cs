using Tether.Api;
using Tether.Hosting;
using Tether.Workloads;

namespace Tether.Cli;

/// <summary><c>tether run URL --foreground</c>: a host in this process running this one workload until Ctrl-C.</summary>
internal static class ForegroundRun
{
    public static async Task<int> RunAsync(RunWorkloadRequest request, bool skipBrowser, CancellationToken cancellationToken)
    {
        TetherHost host;
        try
        {
            host = await HostLauncher.StartInProcessAsync(restore: false, cancellationToken);
        }
        catch (CliException ex) when (ex.InnerException is HostAlreadyRunningException)
        {
            throw new CliException(
                "a Tether host is already running; run the same command without --foreground to add the workload to it, or end it first with 'tether serve --stop'",
                ExitCodes.Failed,
                ex);
        }

        await using (host)
        {
            WorkloadView view;
            try
            {
                view = await host.Workloads.RunAsync(request, cancellationToken);
            }
            catch (WorkloadException ex)
            {
                throw new CliException(ex.Message, ExitCodes.Failed, ex);
            }

            using var client = await HostClient.ConnectRequiredAsync(cancellationToken);
            view = await SignInWait.UntilSettledAsync(client, view, skipBrowser, cancellationToken);
            var code = RunCommand.Report(view);
            Console.Out.WriteLine("Running in the foreground; Ctrl-C stops it.");
            await host.WaitForShutdownAsync(cancellationToken);
            await host.Workloads.StopAsync(view.Name, CancellationToken.None);
            return code;
        }
    }
}
