using Tether.Configuration;
using Tether.Hosting;
using Tether.Store;

namespace Tether.Cli;

/// <summary>Starts a host in this process, turning its expected start-up failures into one-line CLI errors.</summary>
internal static class HostLauncher
{
    public static async Task<TetherHost> StartInProcessAsync(bool restore, CancellationToken cancellationToken, bool logToConsole = false)
    {
        try
        {
            return await TetherHost.StartAsync(new TetherHostOptions { LogToConsole = logToConsole, RestoreWorkloads = restore }, cancellationToken);
        }
        catch (SettingsException ex)
        {
            throw new CliException(ex.Message, ExitCodes.Usage);
        }
        catch (Exception ex) when (ex is HostAlreadyRunningException or TetherStoreException)
        {
            throw new CliException(ex.Message);
        }
    }
}
