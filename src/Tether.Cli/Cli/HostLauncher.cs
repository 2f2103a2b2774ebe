using Tether.Configuration;
using Tether.Hosting;
using Tether.Store;

namespace Tether.Cli;

/// <summary>Starts a host in this process, turning its expected start-up failures into one-line CLI errors.</summary>
internal static class HostLauncher
{
    public static async Task<TetherHost> StartInProcessAsync(bool restore, CancellationToken cancellationToken, bool logToConsole = false, int? metricsPort = null)
    {
        try
        {
            return await TetherHost.StartAsync(new TetherHostOptions { LogToConsole = logToConsole, RestoreWorkloads = restore, MetricsPort = metricsPort }, cancellationToken);
        }
        catch (SettingsException ex)
        {
            throw new CliException(ex.Message, ExitCodes.Usage);
        }
        catch (IOException ex) when (metricsPort is { } port && ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            throw new CliException($"--metrics-port {port}: the port is in use; pick another");
        }
        catch (Exception ex) when (ex is HostAlreadyRunningException or TetherStoreException)
        {
            throw new CliException(ex.Message);
        }
    }
}
