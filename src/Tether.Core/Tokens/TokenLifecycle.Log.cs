using Microsoft.Extensions.Logging;

namespace Tether.Tokens;

public sealed partial class TokenLifecycle
{
    /// <summary>The engine's log events; ids are stable (1000–1099; 1002 and 1003 are written by OutcomeLogState, which leaves out empty fields). No message carries a token.</summary>
    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Information, "{workload}: token refreshed at {issuer} (client {client_id}); status {status}")]
        public static partial void Refreshed(ILogger logger, string workload, string? issuer, string client_id, string status);

        [LoggerMessage(1004, LogLevel.Warning, "{workload}: the client {client_id} registered with {issuer} may no longer be valid; 'tether reauth {workload} --reregister' registers a new client")]
        public static partial void RemediationHint(ILogger logger, string workload, string? issuer, string client_id);

        [LoggerMessage(1005, LogLevel.Information, "{workload}: recovered after {attempt} failed attempts; status {status}")]
        public static partial void Recovered(ILogger logger, string workload, int attempt, string status);

        [LoggerMessage(1006, LogLevel.Information, "{workload}: probing the token endpoint at once ({trigger})")]
        public static partial void Probe(ILogger logger, string workload, string trigger);

        [LoggerMessage(1007, LogLevel.Error, "{workload}: transient failures for over {ceiling}; giving up until 'tether reauth {workload}': {reason}")]
        public static partial void Ceiling(ILogger logger, string workload, string ceiling, string reason);

        [LoggerMessage(1008, LogLevel.Information, "{workload}: another Tether process refreshed the tokens; using them")]
        public static partial void Adopted(ILogger logger, string workload);

        [LoggerMessage(1009, LogLevel.Warning, "{workload}: the MCP server rejected the access token (http 401); forcing one refresh")]
        public static partial void UpstreamRejected(ILogger logger, string workload);

        [LoggerMessage(1010, LogLevel.Information, "{workload}: the wall clock jumped ahead by {jump} (sleep and wake?)")]
        public static partial void ClockJump(ILogger logger, string workload, string jump);

        [LoggerMessage(1012, LogLevel.Information, "{workload}: probe ({trigger}) deferred by {next_attempt_in}: the last attempt was under a probe interval ago or the server asked to wait")]
        public static partial void ProbeDeferred(ILogger logger, string workload, string trigger, string next_attempt_in);

        [LoggerMessage(1011, LogLevel.Error, "{workload}: could not store the rotated tokens; they will be stored before use ({reason})")]
        public static partial void CommitFailed(ILogger logger, string workload, string reason);
    }
}
