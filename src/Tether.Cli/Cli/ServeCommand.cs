using System.CommandLine;
using System.Diagnostics;
using Tether.Configuration;
using Tether.Hosting;

namespace Tether.Cli;

/// <summary><c>tether serve [--stop]</c>: the host in the foreground, or end a running one.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var stop = new Option<bool>("--stop") { Description = "End the running host (its workloads come back at its next start)." };
        var background = new Option<bool>("--background") { Hidden = true, Description = "Started by the CLI: log to files only." };
        var metricsPort = new Option<int?>("--metrics-port") { Description = "Also serve /metrics without the host key on 127.0.0.1 at this port (for a local Prometheus)." };
        metricsPort.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } port && port is < 1 or > 65535)
            {
                result.AddError($"--metrics-port {port} is not a port (1-65535)");
            }
        });
        var command = new Command("serve", "Run the host (every workload and the REST API) in the foreground.") { stop, background, metricsPort };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(stop))
            {
                var running = HostInfoFile.TryRead(TetherPaths.FromEnvironment());
                using var client = await HostClient.ConnectAsync(startIfNeeded: false, ct);
                if (client is null || !await client.ShutdownAsync(ct))
                {
                    Console.Out.WriteLine("No Tether host is running.");
                    return ExitCodes.Ok;
                }

                // The command returns once the host has ended: its store closed and the home free for the next host.
                Console.Out.WriteLine(await EndedAsync(running?.Pid, ct)
                    ? "The Tether host stopped."
                    : $"The Tether host is stopping (still running after {StopWait.TotalSeconds:0} s).");
                return ExitCodes.Ok;
            }

            if (parse.GetValue(background))
            {
                return await RunInBackgroundAsync(ct);
            }

            await using var host = await HostLauncher.StartInProcessAsync(restore: true, ct, logToConsole: true, metricsPort: parse.GetValue(metricsPort));
            Console.Out.WriteLine($"Tether host listening on {host.ApiUrl} (REST API, OpenAPI at {host.ApiUrl}openapi/v1.json). Ctrl-C to stop.");
            if (parse.GetValue(metricsPort) is { } port)
            {
                Console.Out.WriteLine($"Prometheus metrics at http://127.0.0.1:{port}/metrics");
            }

            await host.WaitForShutdownAsync(ct);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(30);

    /// <summary>Waits up to <see cref="StopWait"/> for the host's process to end; <see langword="true"/> once it has.</summary>
    private static async Task<bool> EndedAsync(int? pid, CancellationToken cancellationToken)
    {
        if (pid is null)
        {
            return true;
        }

        Process host;
        try
        {
            host = Process.GetProcessById(pid.Value);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return true;
        }

        using (host)
        {
            try
            {
                await host.WaitForExitAsync(cancellationToken).WaitAsync(StopWait, cancellationToken);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }

    /// <summary>The host started by a CLI command: its start-up outcome goes to that command as one line on stdout.</summary>
    private static async Task<int> RunInBackgroundAsync(CancellationToken cancellationToken)
    {
        TetherHost host;
        try
        {
            host = await HostLauncher.StartInProcessAsync(restore: true, cancellationToken);
        }
        catch (CliException ex) when (ex.InnerException is HostAlreadyRunningException)
        {
            await Console.Out.WriteLineAsync(HostStartReport.AlreadyRunning);
            return ExitCodes.Ok;
        }
        catch (CliException ex)
        {
            Record(ex.Message);
            await Console.Out.WriteLineAsync(HostStartReport.Failed(ex.Message));
            return ex.ExitCode;
        }

        await using (host)
        {
            await Console.Out.WriteLineAsync(HostStartReport.Ready);
            await Console.Out.FlushAsync(cancellationToken);
            await host.WaitForShutdownAsync(cancellationToken);
        }

        return ExitCodes.Ok;
    }

    /// <summary>Also in host.log, for whoever looks there later; best effort, since the home may be what is broken.</summary>
    private static void Record(string message)
    {
        try
        {
            var paths = TetherPaths.FromEnvironment();
            if (Directory.Exists(paths.LogsDirectory))
            {
                File.AppendAllText(HostInfoFile.LogPath(paths), $"{TimeProvider.System.GetUtcNow():O} fail: the host could not start: {HostStartReport.OneLine(message)}{Environment.NewLine}");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
