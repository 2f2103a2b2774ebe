using Microsoft.Extensions.Logging;

namespace Tether.Store;

public sealed partial class TetherStore
{
    /// <summary>Store log messages (event ids 4100-4199). Never a secret in any of them.</summary>
    internal static partial class Log
    {
        [LoggerMessage(4100, LogLevel.Information, "Store opened at {Path} with the {KeySource} key source")]
        public static partial void Opened(ILogger logger, string path, string keySource);

        [LoggerMessage(4101, LogLevel.Error, "Status transition of {Workload} to {Status} was not saved")]
        public static partial void TransitionNotSaved(ILogger logger, string workload, string status, Exception exception);

        [LoggerMessage(4102, LogLevel.Warning, "A stored {Kind} of {Workload} cannot be decrypted (key changed or value moved); it is ignored")]
        public static partial void SecretUnreadable(ILogger logger, string workload, string kind);

        [LoggerMessage(4103, LogLevel.Debug, "Tokens of {Workload} not committed: the workload no longer exists")]
        public static partial void TokensDropped(ILogger logger, string workload);

        [LoggerMessage(4104, LogLevel.Warning, "The client secret of the registration of {ClientId} at {Issuer} cannot be decrypted; it is ignored")]
        public static partial void RegistrationSecretUnreadable(ILogger logger, string issuer, string clientId);

        [LoggerMessage(4105, LogLevel.Debug, "Refresh lease of {Workload} taken after {Attempts} attempts")]
        public static partial void LeaseTaken(ILogger logger, string workload, int attempts);
    }
}
