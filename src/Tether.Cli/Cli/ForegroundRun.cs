using Tether.Api;
using Tether.Hosting;

namespace Tether.Cli;

/// <summary><c>tether run URL --foreground</c>: a host in this process running this one workload until Ctrl-C.</summary>
internal static class ForegroundRun
{
    public static async Task<int> RunAsync(RunWorkloadRequest request, bool skipBrowser, CancellationToken cancellationToken)
    {
        await using var host = await HostLauncher.StartInProcessAsync(restore: false, cancellationToken);
        var view = await host.Workloads.RunAsync(request, cancellationToken);
        using var client = await HostClient.ConnectRequiredAsync(cancellationToken);
        view = await SignInWait.UntilSettledAsync(client, view, skipBrowser, cancellationToken);
        var code = RunCommand.Report(view);
        Console.Out.WriteLine("Running in the foreground; Ctrl-C stops it.");
        await host.WaitForShutdownAsync(cancellationToken);
        await host.Workloads.StopAsync(view.Name, CancellationToken.None);
        return code;
    }
}
