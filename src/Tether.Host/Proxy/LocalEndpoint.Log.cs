using Microsoft.Extensions.Logging;

namespace Tether.Proxy;

public sealed partial class LocalEndpoint
{
    private static partial class Log
    {
        [LoggerMessage(3001, LogLevel.Warning, "{workload}: the MCP server rejected the access token (http 401)")]
        public static partial void Rejected(ILogger logger, string workload);

        [LoggerMessage(3002, LogLevel.Warning, "{workload}: forwarding failed ({error}): {cause}")]
        public static partial void ForwardFailed(ILogger logger, string workload, string error, string cause);

        [LoggerMessage(3003, LogLevel.Debug, "{workload}: the client ended the request ({error})")]
        public static partial void ClientWentAway(ILogger logger, string workload, string error);
    }
}
