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

        [LoggerMessage(3003, LogLevel.Warning, "{workload}: refused {method} {path} with 404: {reason}")]
        public static partial void PathRefused(ILogger logger, string workload, string method, string path, string reason);

        [LoggerMessage(3004, LogLevel.Information, "{workload}: refused a request from a web page (Origin or Sec-Fetch-Site) with 403")]
        public static partial void WebPageRefused(ILogger logger, string workload);

        [LoggerMessage(3005, LogLevel.Information, "{workload}: refused a request body over {limit} bytes with 413")]
        public static partial void BodyTooLarge(ILogger logger, string workload, long limit);

        [LoggerMessage(3006, LogLevel.Debug, "{workload}: the client ended the request ({error})")]
        public static partial void ClientWentAway(ILogger logger, string workload, string error);
    }
}
