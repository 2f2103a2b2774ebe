using Microsoft.Extensions.Logging;

namespace Tether.Workloads;

internal sealed partial class WorkloadManager
{
    private static partial class Log
    {
        [LoggerMessage(2101, LogLevel.Information, "{workload}: created for {remote_url} on local port {port}")]
        public static partial void WorkloadCreated(ILogger logger, string workload, string remote_url, int port);

        [LoggerMessage(2102, LogLevel.Information, "{workload}: removed with its secrets")]
        public static partial void WorkloadRemoved(ILogger logger, string workload);

        [LoggerMessage(2103, LogLevel.Information, "{workload}: the same run again while {status}: trying again")]
        public static partial void RunAgain(ILogger logger, string workload, string status);
    }
}
