using Tether.Configuration;

namespace Tether.Hosting;

/// <summary>Where each workload's log lines go: <c>TETHER_HOME/logs/workloads/NAME.log</c>.</summary>
public static class WorkloadLogFiles
{
    /// <summary>The log file of <paramref name="workload"/>.</summary>
    public static string PathFor(TetherPaths paths, string workload)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Path.Combine(paths.LogsDirectory, "workloads", workload + ".log");
    }
}
