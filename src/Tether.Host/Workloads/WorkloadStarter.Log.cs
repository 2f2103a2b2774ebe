using Microsoft.Extensions.Logging;

namespace Tether.Workloads;

internal sealed partial class WorkloadStarter
{
    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Error, "{workload}: could not start ({kind}): {reason}")]
        public static partial void BringUpFailed(ILogger logger, string workload, string kind, string reason);

        [LoggerMessage(2002, LogLevel.Information, "{workload}: port {taken} was taken before the endpoint listened; using {port}")]
        public static partial void PortMoved(ILogger logger, string workload, int taken, int port);

        [LoggerMessage(2051, LogLevel.Warning, "{workload}: the MCP server asks for more access ({scope}); the workload keeps running, and 'tether reauth {workload}' signs in with it")]
        public static partial void StepUp(ILogger logger, string workload, string scope);
    }
}
