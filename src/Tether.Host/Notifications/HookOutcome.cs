namespace Tether.Notifications;

/// <summary>How one run of the user hook ended.</summary>
internal enum HookOutcome
{
    /// <summary>Exited with 0.</summary>
    Succeeded,

    /// <summary>Exited with another code.</summary>
    Failed,

    /// <summary>Still running at the time-out: killed with its children.</summary>
    TimedOut,

    /// <summary>Could not be started (not found, not executable).</summary>
    NotStarted,

    /// <summary>The host stopped while it ran: killed.</summary>
    Cancelled,
}
