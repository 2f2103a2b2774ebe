namespace Tether.InteropDriver;

/// <summary>One server's figures from one run of <see cref="RecoveryRun"/>.</summary>
/// <param name="Server">The authorization server.</param>
/// <param name="HealToFirstSuccess">From healing to the end of the first call that went through; null when none did.</param>
/// <param name="FailedAfterHealing">Calls that failed after healing, before the first success.</param>
/// <param name="TokenRequestsInOutage">Requests that reached the token endpoint during the outage.</param>
/// <param name="CallsInOutage">Calls the client made during the outage.</param>
/// <param name="Note">Why no call went through after healing, when none did.</param>
internal sealed record RecoveryFigures(string Server, TimeSpan? HealToFirstSuccess, int FailedAfterHealing, int TokenRequestsInOutage, int CallsInOutage, string? Note = null);
