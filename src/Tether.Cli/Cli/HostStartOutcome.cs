namespace Tether.Cli;

/// <summary>How a background host's start-up ended.</summary>
internal enum HostStartOutcome
{
    /// <summary>It listens and has written <c>host.json</c>.</summary>
    Ready,

    /// <summary>Another host holds the home's lock; that one is to be used.</summary>
    AlreadyRunning,

    /// <summary>It could not start; the message says why.</summary>
    Failed,
}
