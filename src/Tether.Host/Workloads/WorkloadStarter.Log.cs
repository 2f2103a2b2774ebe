using Microsoft.Extensions.Logging;

namespace Tether.Workloads;

internal sealed partial class WorkloadStarter
{
    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Error, "{workload}: could not start ({kind}): {reason}")]
        public static partial void BringUpFailed(ILogger logger, string workload, string kind, string reason);
    }
}
