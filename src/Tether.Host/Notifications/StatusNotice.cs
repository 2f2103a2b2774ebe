namespace Tether.Notifications;

/// <summary>What the user hook reads on its standard input (one JSON object) and what a desktop notification says.</summary>
/// <param name="Event"><c>status_change</c>, or <c>refresh_refused</c> when a refused refresh starts the countdown to <c>unauthenticated</c>.</param>
/// <param name="Workload">The workload.</param>
/// <param name="From">The status before.</param>
/// <param name="To">The status after (the same as <paramref name="From"/> for <c>refresh_refused</c>).</param>
/// <param name="Reason">The one-line reason.</param>
/// <param name="At">When it happened.</param>
/// <param name="Health">The health after.</param>
/// <param name="NeedsUser">Whether the user has to act (sign in again).</param>
/// <param name="Fix">The command that fixes it, when the user has to act.</param>
internal sealed record StatusNotice(
    string Event,
    string Workload,
    string From,
    string To,
    string Reason,
    DateTimeOffset At,
    string Health,
    bool NeedsUser,
    string? Fix);
