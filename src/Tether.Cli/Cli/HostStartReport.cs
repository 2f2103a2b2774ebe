namespace Tether.Cli;

/// <summary>
/// The one line a background host (<c>tether serve --background</c>) writes on its stdout when its start-up is
/// settled, so that the CLI command that started it learns at once whether it runs and, if not, why.
/// </summary>
internal static class HostStartReport
{
    private const string Prefix = "tether-host:";
    private const string ReadyWord = "ready";
    private const string RunningWord = "already-running";
    private const string FailedWord = "failed";

    public static string Ready => $"{Prefix} {ReadyWord}";

    public static string AlreadyRunning => $"{Prefix} {RunningWord}";

    public static string Failed(string message) => $"{Prefix} {FailedWord} {OneLine(message)}";

    /// <summary>Reads a line written by one of the above; <see langword="null"/> for any other line.</summary>
    public static (HostStartOutcome Outcome, string Message)? Parse(string line)
    {
        if (!line.StartsWith(Prefix + " ", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = line[(Prefix.Length + 1)..];
        if (rest == ReadyWord)
        {
            return (HostStartOutcome.Ready, string.Empty);
        }

        if (rest == RunningWord)
        {
            return (HostStartOutcome.AlreadyRunning, string.Empty);
        }

        return rest.StartsWith(FailedWord + " ", StringComparison.Ordinal)
            ? (HostStartOutcome.Failed, rest[(FailedWord.Length + 1)..])
            : null;
    }

    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
