using Microsoft.Extensions.Logging;

namespace Tether.Workloads;

internal sealed partial class WorkloadController
{
    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Error, "{workload}: could not start ({kind}): {reason}")]
        public static partial void BringUpFailed(ILogger logger, string workload, string kind, string reason);

        [LoggerMessage(2002, LogLevel.Information, "{workload}: port {taken} was taken before the endpoint listened; using {port}")]
        public static partial void PortMoved(ILogger logger, string workload, int taken, int port);

        [LoggerMessage(2003, LogLevel.Warning, "{workload}: sign-in failed: {reason}")]
        public static partial void SignInFailed(ILogger logger, string workload, string reason);

        [LoggerMessage(2004, LogLevel.Warning, "{workload}: start failed: {reason}")]
        public static partial void StartFailed(ILogger logger, string workload, string reason);

        [LoggerMessage(2005, LogLevel.Information, "{workload}: signed in to {issuer} as client {client_id}")]
        public static partial void SignedIn(ILogger logger, string workload, string issuer, string client_id);

        [LoggerMessage(2006, LogLevel.Information, "{workload}: {from} -> {status}: {reason}")]
        public static partial void StatusChanged(ILogger logger, string workload, string from, string status, string reason);

        [LoggerMessage(2051, LogLevel.Warning, "{workload}: the MCP server asks for more access ({scope}); the workload keeps running, and 'tether reauth {workload}' signs in with it")]
        public static partial void StepUp(ILogger logger, string workload, string scope);
    }
}
