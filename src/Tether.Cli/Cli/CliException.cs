namespace Tether.Cli;

/// <summary>An expected failure: the CLI prints its one-line message on stderr and exits with <see cref="ExitCode"/>.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Failed, Exception? innerException = null)
    : Exception(message, innerException)
{
    public int ExitCode { get; } = exitCode;
}
