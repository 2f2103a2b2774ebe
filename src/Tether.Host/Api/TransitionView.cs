namespace Tether.Api;

/// <summary>One status transition as the REST API shows it.</summary>
/// <param name="At">When.</param>
/// <param name="From">The status's wire name before.</param>
/// <param name="To">The status's wire name after.</param>
/// <param name="Reason">The one-line reason.</param>
public sealed record TransitionView(DateTimeOffset At, string From, string To, string Reason);
