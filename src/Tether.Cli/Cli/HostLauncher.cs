using Tether.Configuration;
using Tether.Hosting;
using Tether.Store;

namespace Tether.Cli;

/// <summary>Starts a host in this process, turning its expected start-up failures into one-line CLI errors.</summary>
internal static class HostLauncher
{
    /// <summary>Starts the host.</summary>
    /// <exception cref="CliException">
    /// It cannot start; the message says why and what to do. Its inner exception is a
    /// <see cref="HostAlreadyRunningException"/> when another host serves the same home.
    /// </exception>
    public static async Task<TetherHost> StartInProcessAsync(bool restore, CancellationToken cancellationToken, bool logToConsole = false, int? metricsPort = null)
    {
        try
        {
            return await TetherHost.StartAsync(new TetherHostOptions { LogToConsole = logToConsole, RestoreWorkloads = restore, MetricsPort = metricsPort }, cancellationToken);
        }
        catch (SettingsException ex)
        {
            // A bad setting is not bad usage of the command line: the command was right, the host could not start.
            throw new CliException($"invalid settings: {string.Join("; ", ex.Errors)}", ExitCodes.Failed, ex);
        }
        catch (IOException ex) when (metricsPort is { } port && ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            throw new CliException($"--metrics-port {port}: the port is in use; pick another", ExitCodes.Failed, ex);
        }
        catch (Exception ex) when (ex is HostAlreadyRunningException or TetherStoreException or TetherHomeException)
        {
            throw new CliException(ex.Message, ExitCodes.Failed, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var home = TetherPaths.FromEnvironment().Home;
            throw new CliException($"the Tether host could not start: {ex.Message.TrimEnd('.')}; check that {home} and what is in it belong to you and can be written", ExitCodes.Failed, ex);
        }
    }
}
